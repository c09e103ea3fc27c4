using System.Diagnostics.Metrics;
using FeedHub.Core.Polling;
using FeedHub.Curators;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace FeedHub.Metrics;

/// <summary>
/// <c>/metrics</c>: the <c>FeedHub</c> meter's instruments (sources by health state, polls, articles added, poll
/// durations) in the Prometheus text format, through OpenTelemetry's Prometheus exporter. Anonymous unless
/// <see cref="MetricsOptions.AllowAnonymous"/> is false.
/// </summary>
public static class MetricsEndpoint
{
    public const string Path = "/metrics";

    public static IServiceCollection AddFeedHubMetrics(this IServiceCollection services)
    {
        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section).ValidateOnStart();
        services.AddSingleton<SourceGauges>();
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("feedhub"))
            .WithMetrics(metrics => metrics
                .AddMeter(PollMetrics.MeterName)
                .AddPrometheusExporter(exporter =>
                {
                    // Every scrape reads the store's counts afresh; a cached answer would show the previous scrape's.
                    exporter.ScrapeResponseCacheDurationMilliseconds = 0;
                    exporter.ScopeInfoEnabled = false;
                }));
        // Only this host's own instruments: the listener sees every meter of that name in the process, and a process
        // holding several hosts (the tests do) would otherwise export the others' counts as its own.
        services.ConfigureOpenTelemetryMeterProvider((provider, metrics) =>
        {
            var own = provider.GetRequiredService<IMeterFactory>();
            metrics.AddView(instrument => ReferenceEquals(instrument.Meter.Scope, own) ? null : MetricStreamConfiguration.Drop);
        });
        return services;
    }

    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app)
    {
        var scrape = app.MapPrometheusScrapingEndpoint(Path, meterProvider: null, configureBranchedPipeline: branch => branch.Use(async (context, next) =>
        {
            await context.RequestServices.GetRequiredService<SourceGauges>().RefreshAsync(context.RequestAborted);
            await next(context);
        }), optionsName: null);
        if (!app.ServiceProvider.GetRequiredService<IOptions<MetricsOptions>>().Value.AllowAnonymous)
        {
            scrape.RequireAuthorization(CuratorAuthentication.ApiPolicy);
        }

        return app;
    }
}
