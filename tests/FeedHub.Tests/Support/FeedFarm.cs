using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace FeedHub.Tests.Support;

/// <summary>
/// A local "internet" of blogs for polling tests: N RSS feeds of 20 items each over several loopback hosts, answering
/// conditional requests with 304, after a fixed latency. Every request is logged with who made it and when, and the
/// farm tracks the requests in flight. A feed can be changed (a new post on top) and held (its answers wait until
/// released), so a test can know that a poll is running.
/// </summary>
public sealed class FeedFarm : IAsyncDisposable
{
    public const int ItemsPerFeed = 20;
    public static readonly DateTimeOffset Newest = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly LocalHttpServer[] _hosts;
    private readonly ConcurrentDictionary<string, int> _inFlight = new();
    private readonly ConcurrentDictionary<long, FarmRequest> _running = new();
    private readonly ConcurrentDictionary<int, int> _versions = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource> _held = new();
    private long _requestIds;
    private int _maxFeedInFlight;

    /// <param name="feeds">How many feeds.</param>
    /// <param name="hosts">Over how many blog hosts (loopback addresses 127.0.0.1, 127.0.0.2, …) they are spread.</param>
    /// <param name="latency">How long each answer takes.</param>
    public FeedFarm(int feeds, int hosts, TimeSpan latency)
    {
        FeedCount = feeds;
        _hosts = Enumerable.Range(0, hosts).Select(host => new LocalHttpServer(async (request, stream, token) =>
        {
            var started = DateTimeOffset.UtcNow;
            var id = Interlocked.Increment(ref _requestIds);
            var userAgent = request.Header("User-Agent") ?? string.Empty;
            _running[id] = new FarmRequest(request.Path, userAgent, started, started, false);
            var feedInFlight = _inFlight.AddOrUpdate(request.Path, 1, (_, n) => n + 1);
            InterlockedMax(ref _maxFeedInFlight, feedInFlight);
            var completed = false;
            try
            {
                await Task.Delay(latency, token);
                if (FeedNumber(request.Path) is { } number && _held.TryGetValue(int.Parse(number, CultureInfo.InvariantCulture), out var gate))
                {
                    await gate.Task.WaitAsync(token);
                }

                await Reply(request).WriteAsync(stream, token);
                completed = true;
            }
            finally
            {
                _inFlight.AddOrUpdate(request.Path, 0, (_, n) => n - 1);
                _running.TryRemove(id, out _);
                Requests.Add(new FarmRequest(request.Path, userAgent, started, DateTimeOffset.UtcNow, completed));
            }
        }, new System.Net.IPAddress([127, 0, 0, (byte)(host + 1)]))).ToArray();
    }

    public int FeedCount { get; }

    public ConcurrentBag<FarmRequest> Requests { get; } = [];

    public int MaxConcurrentRequestsForOneFeed => Volatile.Read(ref _maxFeedInFlight);

    /// <summary>The requests being answered right now.</summary>
    public IReadOnlyList<FarmRequest> InFlight => [.. _running.Values];

    /// <summary>Publishes a new post on top of a feed (a new ETag too); returns the post's title.</summary>
    public string Change(int feed) => UpdateTitle(feed, _versions.AddOrUpdate(feed, 2, (_, version) => version + 1));

    /// <summary>Holds the answers to these feeds until <see cref="Release"/>: their polls are known to be running.</summary>
    public void Hold(IEnumerable<int> feeds)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        foreach (var feed in feeds)
        {
            _held[feed] = gate;
        }
    }

    public void Release()
    {
        foreach (var feed in _held.Keys)
        {
            if (_held.TryRemove(feed, out var gate))
            {
                gate.TrySetResult();
            }
        }
    }

    /// <summary>The path a feed is served at, as requests show it.</summary>
    public static string PathOf(int feed) => string.Create(CultureInfo.InvariantCulture, $"/feeds/{feed}.xml");

    public static string UpdateTitle(int feed, int version) => string.Create(CultureInfo.InvariantCulture, $"Feed {feed} update {version}");

    public Uri FeedUrl(int feed) => _hosts[HostOf(feed)].Url(string.Create(CultureInfo.InvariantCulture, $"feeds/{feed}.xml"));

    /// <summary>Which host serves a request path such as <c>/feeds/17.xml</c>.</summary>
    public int HostOf(string path) => HostOf(int.Parse(FeedNumber(path)!, CultureInfo.InvariantCulture));

    private int HostOf(int feed) => feed % _hosts.Length;

    private static string? FeedNumber(string path) =>
        path.StartsWith("/feeds/", StringComparison.Ordinal) ? path["/feeds/".Length..].Replace(".xml", string.Empty, StringComparison.Ordinal) : null;

    public static string ItemTitle(int feed, int item) => string.Create(CultureInfo.InvariantCulture, $"Feed {feed} post {item}");

    /// <summary>Feed f's item i was published (f × 20 + i) minutes before <see cref="Newest"/>: every date differs.</summary>
    public static DateTimeOffset Published(int feed, int item) => Newest.AddMinutes(-(feed * ItemsPerFeed + item));

    private HttpReply Reply(HttpRequestInfo request)
    {
        if (!int.TryParse(FeedNumber(request.Path), CultureInfo.InvariantCulture, out var feed))
        {
            return HttpReply.Text(404, "no such feed");
        }

        var version = _versions.GetValueOrDefault(feed, 1);
        var etag = string.Create(CultureInfo.InvariantCulture, $"\"feed-{feed}-v{version}\"");
        if (request.Header("If-None-Match") == etag)
        {
            return new HttpReply(304, [], [("ETag", etag)]);
        }

        var xml = new StringBuilder();
        xml.Append(CultureInfo.InvariantCulture, $"<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>Farm blog {feed}</title><link>https://blog{feed}.example/</link>");
        for (var update = version; update >= 2; update--)
        {
            // Newer than every first post of every feed, and each feed's updates at their own minute.
            var published = Newest.AddDays(update).AddMinutes(feed);
            xml.Append(CultureInfo.InvariantCulture, $"<item><title>{UpdateTitle(feed, update)}</title><link>https://blog{feed}.example/u{update}</link><guid>farm-{feed}-u{update}</guid>");
            xml.Append(CultureInfo.InvariantCulture, $"<pubDate>{published.ToString("R", CultureInfo.InvariantCulture)}</pubDate><description>An update of about two hundred words. {string.Concat(Enumerable.Repeat("Lorem ipsum dolor sit amet, consectetur adipiscing elit. ", 28))}</description></item>");
        }

        for (var item = 0; item < ItemsPerFeed; item++)
        {
            xml.Append(CultureInfo.InvariantCulture, $"<item><title>{ItemTitle(feed, item)}</title><link>https://blog{feed}.example/{item}</link><guid>farm-{feed}-{item}</guid>");
            xml.Append(CultureInfo.InvariantCulture, $"<pubDate>{Published(feed, item).ToString("R", CultureInfo.InvariantCulture)}</pubDate>");
            xml.Append(CultureInfo.InvariantCulture, $"<description>A post of about two hundred words, written by the farm for feed {feed}, item {item}. {string.Concat(Enumerable.Repeat("Lorem ipsum dolor sit amet, consectetur adipiscing elit. ", 28))}</description></item>");
        }

        xml.Append("</channel></rss>");
        return HttpReply.Text(200, xml.ToString(), "application/rss+xml", ("ETag", etag));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current && Interlocked.CompareExchange(ref target, value, current) != current)
        {
            current = Volatile.Read(ref target);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Release();
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }
    }
}

public sealed record FarmRequest(string Path, string UserAgent, DateTimeOffset Started, DateTimeOffset Ended, bool Completed);
