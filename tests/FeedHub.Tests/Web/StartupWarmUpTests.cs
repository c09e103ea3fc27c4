using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using FeedHub.Hosting;
using FeedHub.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FeedHub.Tests.Web;

/// <summary>
/// A server that just started makes the first requests of its pages, feeds and API itself, and says it is ready only
/// once they were answered: the first readers' requests then find them warm. Those requests count nowhere.
/// </summary>
public sealed class StartupWarmUpTests
{
    [Fact]
    public async Task Readyz_says_ready_only_once_the_warm_up_requests_were_answered_and_they_count_no_render()
    {
        var gate = new WarmUpGate();
        await using var app = await TestApp.StartAsync(
            dataDirectory: null, allowPrivateNetworks: true, worker: false,
            services => services.AddHttpClient(StartupWarmUp.ClientName).AddHttpMessageHandler(gate.Handler));

        // The first warm-up request is held on its way: the server listens, and is not ready.
        await gate.Holding.Task.WaitAsync(TimeSpan.FromSeconds(30));
        using var early = await app.Http.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, early.StatusCode);
        Assert.Contains("Warming up", await early.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(gate.Answered);

        gate.Release();
        using var ready = await TestApp.EventuallyAsync(() => app.Http.GetAsync("/readyz"), answer => answer.StatusCode != HttpStatusCode.ServiceUnavailable);

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(
            [("/", HttpStatusCode.OK), ("/digest", HttpStatusCode.OK), ("/feed.atom", HttpStatusCode.OK), ("/api/sources", HttpStatusCode.Unauthorized)],
            gate.Answered);
        // A reader's request of a feed nobody asked for yet is the one render counted.
        Assert.Equal(HttpStatusCode.OK, (await app.Http.GetAsync("/feed.rss")).StatusCode);
        Assert.Matches(new Regex(@"(?m)^feedhub_responses_rendered_total(\{[^}]*\})? 1( |$)", RegexOptions.NonBacktracking), await app.Http.GetStringAsync("/metrics"));
    }

    [Fact]
    public async Task A_warm_up_that_fails_in_an_unforeseen_way_leaves_the_server_serving_and_ready()
    {
        await using var app = await TestApp.StartAsync(
            dataDirectory: null, allowPrivateNetworks: true, worker: false,
            services => services.AddHttpClient(StartupWarmUp.ClientName).AddHttpMessageHandler(() => new Failing()));

        // An exception out of a background service stops the host: the warm-up's own task must end well.
        var warmUp = app.Get<StartupWarmUp>();
        await warmUp.Completion.WaitAsync(TimeSpan.FromSeconds(30));
        await warmUp.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(app.Get<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested);
        Assert.Equal(HttpStatusCode.OK, (await app.Http.GetAsync("/readyz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Http.GetAsync("/")).StatusCode);
    }

    private sealed class Failing : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            => throw new InvalidOperationException("a failure that is not HTTP's");
    }

    /// <summary>Holds the warm-up's requests until released, and notes what each was answered.</summary>
    private sealed class WarmUpGate
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Holding { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ConcurrentQueue<(string Path, HttpStatusCode Status)> Answered { get; } = new();

        public DelegatingHandler Handler() => new Held(this);

        public void Release() => _released.TrySetResult();

        private sealed class Held(WarmUpGate gate) : DelegatingHandler
        {
            protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                gate.Holding.TrySetResult();
                await gate._released.Task.WaitAsync(cancellationToken);
                var response = await base.SendAsync(request, cancellationToken);
                gate.Answered.Enqueue((request.RequestUri!.AbsolutePath, response.StatusCode));
                return response;
            }
        }
    }
}
