using FeedHub.Api;
using FeedHub.Curators;
using FeedHub.Web;
using FeedHub.Web.Admin;
using FeedHub.Worker;

namespace FeedHub.Hosting;

/// <summary>The composition root of <c>feedhub serve</c>: the web side and the worker, as the configured roles ask.</summary>
public static class FeedHubApp
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src http: https: data:; media-src http: https:; script-src 'self'; "
        + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = Directory.GetCurrentDirectory(),
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
        });
        builder.Configuration.AddFeedHubSources(args);
        var options = builder.Configuration.GetSection(FeedHubOptions.Section).Get<FeedHubOptions>() ?? new FeedHubOptions();
        builder.WebHost.UseUrls(options.Urls);
        builder.Services.AddFeedHubCore(builder.Configuration);
        builder.Services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
        {
            if (context.Exception is BadHttpRequestException badRequest)
            {
                context.ProblemDetails.Detail = badRequest.InnerException is System.Text.Json.JsonException json
                    ? $"The request body is not valid JSON: {json.Message}"
                    : badRequest.Message;
            }
        });
        builder.Services.AddSingleton<RenderedResponses>();
        builder.Services.AddCuratorAuthentication(builder.Configuration);
        builder.Services.AddSharedKeys(builder.Configuration);
        builder.Services.AddFeedHubApi();
        if (options.RunsWorker)
        {
            builder.Services.AddFeedHubWorker(builder.Configuration);
        }
        else
        {
            builder.Services.AddFeedHubScheduler(builder.Configuration, runsJobs: false);
        }

        var app = builder.Build();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = failure => failure is BadHttpRequestException badRequest ? badRequest.StatusCode : StatusCodes.Status500InternalServerError,
            SuppressDiagnosticsCallback = context => context.Exception is BadHttpRequestException,
        });
        app.UseStatusCodePages();
        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            await next(context);
        });
        app.UseStaticFiles(new StaticFileOptions { RequestPath = "/assets" });
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseAntiforgery();
        app.MapHealthEndpoints();
        app.MapMetrics();
        if (options.RunsWeb)
        {
            app.MapReaderPages();
            app.MapDigestPages();
            app.MapMergedFeeds();
            app.MapBlogroll();
            app.MapFeedHubApi();
            app.MapAdminPages();
        }

        return app;
    }
}
