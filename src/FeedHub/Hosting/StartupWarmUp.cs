using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace FeedHub.Hosting;

/// <summary>
/// The first request of each kind after a start paid for making what serves it (the pages' components, the endpoints'
/// request delegates, the store's queries, JSON and compression): 100 to 140 ms even on an empty store, while /readyz
/// already said ready. Once the server listens, the reader's river, the digest, the merged feed and the API's source
/// list are requested once each from this process over loopback, and readiness waits for them
/// (<see cref="IsDone"/>), for <see cref="Bound"/> at most: a store so large that they take longer is ready without
/// them. Start-up itself waits for nothing. The requests are told apart (<see cref="WarmUpRequests"/>): no render of
/// them counts on <c>/metrics</c>.
/// </summary>
public sealed partial class StartupWarmUp(
    IServer server, IHostApplicationLifetime lifetime, IHttpClientFactory clients, WarmUpRequests requests, IOptions<FeedHubOptions> options, TimeProvider time, ILogger<StartupWarmUp> logger)
    : BackgroundService
{
    public const string ClientName = "feedhub-warm-up";

    /// <summary>What is requested: a page, the digest, a feed and the API (without credentials, as far as it answers).</summary>
    public static readonly IReadOnlyList<string> Paths = ["/", "/digest", "/feed.atom", "/api/sources"];

    /// <summary>The longest readiness waits for the warm-up.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Whether the warm-up is over: done, given up after <see cref="Bound"/>, or not needed (no web role, no HTTP address).</summary>
    public bool IsDone => Completion.IsCompleted;

    /// <summary>Completes when <see cref="IsDone"/> turns true.</summary>
    public Task Completion => _done.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            if (!options.Value.RunsWeb)
            {
                return;
            }

            // The addresses are known, and requests are served, once the server has started.
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            {
                await started.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
            }

            if (LoopbackBase() is { } loopback)
            {
                await WarmUpAsync(loopback, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping before it was over: nothing to report.
        }
        finally
        {
            _done.TrySetResult();
        }
    }

    private async Task WarmUpAsync(Uri loopback, CancellationToken stoppingToken)
    {
        var begun = time.GetTimestamp();
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        bounded.CancelAfter(Bound);
        using var client = clients.CreateClient(ClientName);
        var path = Paths[0];
        try
        {
            foreach (var each in Paths)
            {
                path = each;
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(loopback, path));
                requests.Mark(request);
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, bounded.Token).ConfigureAwait(false);
            }

            var elapsed = time.GetElapsedTime(begun);
            LogWarmedUp(logger, Paths.Count, elapsed.TotalMilliseconds);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            LogGaveUp(logger, path, Bound.TotalSeconds);
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            // Any failure, not only HTTP's: the warm-up only saves the first readers some time, and an exception out of
            // a background service stops the whole host.
            LogFailed(logger, path, failure);
        }
    }

    /// <summary>Where this process answers plain HTTP on loopback: its first http address, a wildcard host taken as loopback; null when it has none.</summary>
    private Uri? LoopbackBase()
    {
        foreach (var address in server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
        {
            var binding = BindingAddress.Parse(address);
            if (binding.Scheme != Uri.UriSchemeHttp || binding.IsUnixPipe || binding.IsNamedPipe)
            {
                continue;
            }

            var host = IPAddress.TryParse(binding.Host.Trim('[', ']'), out var ip) && !ip.Equals(IPAddress.Any)
                ? ip.Equals(IPAddress.IPv6Any) ? "[::1]" : binding.Host
                : "127.0.0.1";
            return new Uri($"http://{host}:{binding.Port}/");
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Warmed up the first {Count} requests (pages, feeds, API) in {Milliseconds:F0} ms: ready")]
    private static partial void LogWarmedUp(ILogger logger, int count, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The warm-up request of {Path} took more than {Seconds} s; ready without the rest (the first readers' requests are slower)")]
    private static partial void LogGaveUp(ILogger logger, string path, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The warm-up request of {Path} failed; ready without the rest (the first readers' requests are slower)")]
    private static partial void LogFailed(ILogger logger, string path, Exception failure);
}

/// <summary>
/// The requests this process makes to itself to warm up (<see cref="StartupWarmUp"/>), told apart by a token only it
/// knows, so that nothing counts them as readers' requests.
/// </summary>
public sealed class WarmUpRequests
{
    private const string Header = "X-FeedHub-Warm-Up";

    private readonly string _token = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    public void Mark(HttpRequestMessage request) => request.Headers.Add(Header, _token);

    public bool IsOne(HttpRequest request) => request.Headers[Header] == _token;
}
