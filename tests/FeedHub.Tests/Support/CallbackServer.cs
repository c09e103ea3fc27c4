using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FeedHub.Tests.Support;

/// <summary>
/// A WebSub subscriber's callbacks on a real Kestrel port: <c>/cb/{name}</c> answers the hub's verification GET
/// (echoing <c>hub.challenge</c> unless told otherwise) and takes content POSTs with the status it is told, recording
/// every request so a test can wait for the one it expects.
/// </summary>
public sealed class CallbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Behaviour> _behaviours = new(StringComparer.Ordinal);

    private CallbackServer(WebApplication app) => _app = app;

    public ConcurrentQueue<CallbackRequest> Requests { get; } = new();

    public Uri BaseUri { get; private set; } = null!;

    public static async Task<CallbackServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new CallbackServer(app);
        app.MapGet("/cb/{name}", (string name, HttpRequest request) =>
        {
            server.Requests.Enqueue(new CallbackRequest(name, "GET", request.QueryString.Value ?? string.Empty,
                request.Query.ToDictionary(q => q.Key, q => q.Value.ToString()), new Dictionary<string, string>(), []));
            var behaviour = server.BehaviourOf(name);
            return behaviour.Echo switch
            {
                EchoKind.Challenge => Results.Text(request.Query["hub.challenge"].ToString(), "text/plain"),
                EchoKind.Wrong => Results.Text("not-the-challenge", "text/plain"),
                _ => Results.NotFound(),
            };
        });
        app.MapPost("/cb/{name}", async (string name, HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            var behaviour = server.BehaviourOf(name);
            var status = behaviour.PostStatuses.TryDequeue(out var next) ? next : behaviour.PostStatus;
            server.Requests.Enqueue(new CallbackRequest(name, "POST", request.QueryString.Value ?? string.Empty, new Dictionary<string, string>(), headers, body.ToArray()) { AnsweredWith = status });
            return Results.StatusCode(status);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUri = new Uri(address + "/");
        return server;
    }

    public string Callback(string name) => new Uri(BaseUri, "cb/" + name).AbsoluteUri;

    /// <summary>How a callback answers: its verification echo, and the statuses of its content POSTs (a queue, then the default).</summary>
    public void Answer(string name, EchoKind echo = EchoKind.Challenge, int postStatus = 200, params int[] firstPostStatuses)
        => _behaviours[name] = new Behaviour(echo, postStatus, new ConcurrentQueue<int>(firstPostStatuses));

    public IReadOnlyList<CallbackRequest> Of(string name, string method) => Requests.Where(r => r.Name == name && r.Method == method).ToList();

    /// <summary>Waits for the <paramref name="count"/>-th request of this kind to a callback.</summary>
    public async Task<IReadOnlyList<CallbackRequest>> WaitForAsync(string name, string method, int count = 1, TimeSpan? deadline = null)
    {
        var seen = await TestApp.EventuallyAsync(() => Task.FromResult(Of(name, method)), r => r.Count >= count, deadline);
        Assert.True(seen.Count >= count, $"{name} got {seen.Count} {method} requests, expected {count}");
        return seen;
    }

    private Behaviour BehaviourOf(string name) => _behaviours.GetOrAdd(name, _ => new Behaviour(EchoKind.Challenge, 200, new ConcurrentQueue<int>()));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed record Behaviour(EchoKind Echo, int PostStatus, ConcurrentQueue<int> PostStatuses);
}

public enum EchoKind
{
    Challenge,
    Wrong,
    NotFound,
}

public sealed record CallbackRequest(
    string Name, string Method, string QueryString, IReadOnlyDictionary<string, string> Query, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public int AnsweredWith { get; init; } = 200;

    public string Text => System.Text.Encoding.UTF8.GetString(Body);
}
