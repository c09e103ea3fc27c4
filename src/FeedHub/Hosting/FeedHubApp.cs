using System.Text.Encodings.Web;
using System.Text.Unicode;
using FeedHub.Api;
using FeedHub.Curators;
using FeedHub.Metrics;
using FeedHub.Web;
using FeedHub.Web.Admin;
using FeedHub.Web.Digests;
using FeedHub.Web.Errors;
using FeedHub.Web.Images;
using FeedHub.Web.Localization;
using FeedHub.Web.Rendering;
using FeedHub.Worker;
using FeedHub.WebSub;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace FeedHub.Hosting;

/// <summary>The composition root of <c>feedhub serve</c>: the web side and the worker, as the configured roles ask.</summary>
public static class FeedHubApp
{
    /// <summary>What pages may load: their own styles, scripts and images (others' images come through the image proxy), media, and frames only from the video hosts the sanitiser keeps.</summary>
    public static readonly string ContentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self' data:; media-src http: https:; script-src 'self'; "
        + $"connect-src 'self'; form-action 'self'; frame-src {Core.Readability.EmbedPolicy.FrameSources}; frame-ancestors 'none'; base-uri 'none'";

    public static WebApplication Build(string[] args) => Build(args, replace: null);

    /// <summary>The same, with services replaced before the app is built (tests: a store they hold at a known point).</summary>
    internal static WebApplication Build(string[] args, Action<IServiceCollection>? replace)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [FeedHubConfiguration.NoReloadOnChange, .. args],
            ContentRootPath = Directory.GetCurrentDirectory(),
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
        });
        builder.Configuration.AddFeedHubSources(args);
        var options = BoundOptions.Read<FeedHubOptions>(builder.Configuration, FeedHubOptions.Section);
        builder.WebHost.UseUrls(options.Urls);
        builder.Services.AddFeedHubCore(builder.Configuration);
        builder.Services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace); // stdout is the banner's
        builder.Services.AddInterfaceLanguages();
        builder.Services.AddRazorComponents();
        builder.Services.AddWebEncoders(encoders => encoders.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        builder.Services.AddSingleton<ComponentRenderer>();
        builder.Services.AddSingleton<IProblemDetailsWriter, ErrorPageWriter>();
        builder.Services.AddExceptionHandler<SearchTooSlowHandler>();
        builder.Services.AddExceptionHandler<SearchIndexBuildingHandler>();
        builder.Services.AddExceptionHandler<StorageFailureHandler>();
        builder.Services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
        {
            if (context.Exception is BadHttpRequestException badRequest)
            {
                context.ProblemDetails.Detail = badRequest.InnerException is System.Text.Json.JsonException json
                    ? $"The request body is not valid JSON: {json.Message}"
                    : badRequest.Message;
            }
        });
        builder.Services.AddSingleton(provider => new FeedPages(provider.GetRequiredService<IWebHostEnvironment>().WebRootFileProvider));
        builder.Services.AddSingleton<RenderedResponses>();
        builder.Services.AddSingleton<DigestFeedEntries>();
        builder.Services.AddPublicAddress();
        builder.Services.AddImageProxy();
        builder.Services.AddCuratorAuthentication(builder.Configuration);
        builder.Services.AddSharedKeys(builder.Configuration);
        builder.Services.AddFeedHubApi();
        builder.Services.AddFeedHubMetrics();
        builder.Services.AddWebSub();
        builder.Services.AddSingleton<WarmUpRequests>();
        builder.Services.AddSingleton<StartupWarmUp>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<StartupWarmUp>());
        // Compressed answers, as browsers ask for them; no proxy on loopback, and no log line per request.
        builder.Services.AddHttpClient(StartupWarmUp.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AutomaticDecompression = System.Net.DecompressionMethods.All, UseProxy = false })
            .RemoveAllLoggers();
        builder.Services.AddHostedService<WordPairsIndexBuild>();
        builder.Services.AddHostedService<SearchIndexRebuildLog>();
        // Every role: a web node grows its heap rendering pages as a worker does polling.
        builder.Services.AddSingleton<ReaderRequests>();
        builder.Services.AddHostedService<IdleMemoryReturn>();
        if (options.RunsWorker)
        {
            builder.Services.AddFeedHubWorker(builder.Configuration);
        }
        else
        {
            builder.Services.AddFeedHubScheduler(builder.Configuration, runsJobs: false);
        }

        replace?.Invoke(builder.Services);
        var app = builder.Build();
        // Settings it cannot follow stop it before anything is made of them (the store's file, its folder).
        app.Services.GetService<IStartupValidator>()?.Validate();
        if (options.RunsWeb)
        {
            // Counted as they begin: the heap is compacted while busy only when none began since the last look.
            var readerRequests = app.Services.GetRequiredService<ReaderRequests>();
            app.Use((context, next) =>
            {
                readerRequests.Begin(context.Request.Path);
                return next(context);
            });
        }

        app.UseKnownProxies();
        app.UseRequestLocalization();
        app.Use((context, next) =>
        {
            // Set as the response starts, so that error pages written after the exception handler cleared the
            // response carry them too. A 304 needs none: a browser keeps the headers of the response it revalidated,
            // updating only those the 304 sends (RFC 9111 §4.3.4), and these would more than quadruple its size.
            context.Response.OnStarting(static state =>
            {
                var response = (HttpResponse)state;
                if (response.StatusCode == StatusCodes.Status304NotModified)
                {
                    return Task.CompletedTask;
                }

                var headers = response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
                return Task.CompletedTask;
            }, context.Response);
            return next(context);
        });
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = failure => failure is BadHttpRequestException badRequest ? badRequest.StatusCode : StatusCodes.Status500InternalServerError,
            SuppressDiagnosticsCallback = context => StorageFailureHandler.IsExpected(context.Exception) || context.Exception is Core.Search.SearchTooSlowException or Core.Search.SearchIndexBuildingException,
        });
        app.UseControlCharacterRefusal();
        app.UseKeptAnswers();
        app.UseStatusCodePages();
        app.UseStaticFiles(new StaticFileOptions { RequestPath = "/assets" });
        app.UseHeadAsGet();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseAntiforgery();
        app.MapHealthEndpoints();
        app.MapMetrics();
        if (options.RunsWeb)
        {
            app.MapLanguageSwitch();
            app.MapReaderPages();
            app.MapDigestPages();
            app.MapMergedFeeds();
            app.MapBlogroll();
            app.MapSubscribePage();
            app.MapImageProxy();
            app.MapFeedHubApi();
            app.MapAdminPages();
            app.MapCuratorSetup();
            app.MapWebSub();
        }

        return app;
    }
}
