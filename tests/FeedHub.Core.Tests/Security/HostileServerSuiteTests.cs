using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;
using FeedHub.Core.Fetcher;
using FeedHub.Core.Model;
using FeedHub.Core.Parser;
using FeedHub.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FeedHub.Core.Tests.Security;

/// <summary>
/// The hostile-server part of the security suite: a real server on 127.0.0.1 that misbehaves as an attacker's would,
/// fetched and read by the same fetcher and feed reader a poll uses (with the guard on, 127.0.0.1 standing for the
/// public internet as in <see cref="Fetcher.FeedFetcherTests"/>). Every case must be refused or neutralised with a
/// message a curator can act on; each one is a row of the README's security table (tests/security/report.sh).
/// </summary>
public sealed class HostileServerSuiteTests
{
    private const string Kind = "hostile server";

    private static readonly string Rss = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Fine</title><link>https://fine.example/</link></channel></rss>";

    private static bool LoopbackOneIsPublic(IPAddress address) => address.Equals(IPAddress.Loopback) || PrivateNetworkGuard.IsPublic(address);

    private static FeedFetcher Fetcher(FetcherOptions? options = null)
    {
        options ??= new FetcherOptions();
        return new FeedFetcher(new HttpClient(FeedFetcher.CreateHandler(options, LoopbackOneIsPublic)), Options.Create(options),
            new HostThrottle(8, 2), TimeProvider.System, NullLogger<FeedFetcher>.Instance);
    }

    /// <summary>
    /// Redirects to a loopback address other than the public stand-in (127.0.0.2, where a real server counts what
    /// reaches it) written in the forms that guards get wrong: decimal, octal, hex, short and IPv6 embeddings.
    /// </summary>
    [Fact]
    public async Task Redirects_to_loopback_in_every_url_form_never_connect()
    {
        await using var inside = LocalHttpServer.Serving(_ => HttpReply.Text(200, Rss, "application/rss+xml"), IPAddress.Parse("127.0.0.2"));
        var port = inside.BaseUri.Port;
        string[] hosts =
        [
            "127.0.0.2", "2130706434", "0x7f000002", "0x7F.0.0.2", "0177.0.0.2", "0177.0.0.02", "127.2", "127.0.2", "0x7f.2",
            "017700000002", "127.000.000.002", "[::1]", "[0:0:0:0:0:0:0:1]", "[::ffff:127.0.0.2]", "[::ffff:7f00:2]",
            "[0:0:0:0:0:ffff:7f00:2]", "[::127.0.0.2]", "[2002:7f00:2::1]", "[::ffff:0:7f00:2]", "[64:ff9b::7f00:2]",
            "[2001:0:4136:e378:8000:63bf:80ff:fffd]", "[100::1]", "[fe80::1]", "[fc00::1]", "0.0.0.0", "0",
        ];
        await using var outside = LocalHttpServer.Serving(request => HttpReply.Redirect(302,
            $"http://{hosts[int.Parse(request.Path.TrimStart('/'), CultureInfo.InvariantCulture)]}:{port}/feed.xml"));
        var fetcher = Fetcher();

        var refused = 0;
        var messages = new SortedSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < hosts.Length; i++)
        {
            var result = await fetcher.FetchAsync(new FetchRequest(outside.Url(i.ToString(CultureInfo.InvariantCulture))), CancellationToken.None);
            if (result.Outcome == FetchOutcome.Failed)
            {
                refused++;
                messages.Add(Shape(result.Error!));
            }
        }

        SecurityTable.Row(Kind, $"redirects to loopback in {hosts.Length} URL forms (decimal, octal, hex, short, IPv4-mapped/translated, 6to4, Teredo, discard, link-local)",
            hosts.Length, inside.Requests.IsEmpty ? refused : 0, $"{inside.Requests.Count} connections reached 127.0.0.2; each refused, e.g. {Sample(messages)}");
        Assert.Empty(inside.Requests);
        Assert.Equal(hosts.Length, refused);
    }

    /// <summary>Private and metadata addresses in the same forms, refused before any connection is tried (nothing here listens on them).</summary>
    [Fact]
    public async Task Private_and_metadata_addresses_in_every_url_form_are_refused_before_connecting()
    {
        string[] urls =
        [
            "http://169.254.169.254/latest/meta-data/", "http://2852039166/", "http://0xA9FEA9FE/", "http://0251.0376.0251.0376/",
            "http://0xa9.0xfe.0xa9.0xfe/", "http://169.254.43518/", "http://[::ffff:169.254.169.254]/", "http://[::ffff:a9fe:a9fe]/",
            "http://10.0.0.1/", "http://167772161/", "http://012.0.0.1/", "http://10.1/", "http://192.168.0.1/", "http://3232235521/",
            "http://[::ffff:192.168.0.1]/", "http://172.16.0.1/", "http://100.64.0.1/", "http://[2002:a9fe:a9fe::1]/", "http://[2001:db8::1]/",
            "http://198.51.100.1/", "http://[fd00:ec2::254]/",
        ];
        var fetcher = Fetcher();

        var messages = new SortedSet<string>(StringComparer.Ordinal);
        var refused = 0;
        foreach (var url in urls)
        {
            if (await fetcher.CheckUrlAsync(new Uri(url), CancellationToken.None) is { } refusal)
            {
                refused++;
                messages.Add(Shape(refusal));
            }
        }

        SecurityTable.Row(Kind, $"sources at private and metadata addresses in {urls.Length} URL forms", urls.Length, refused, $"each refused before connecting, e.g. {Sample(messages)}");
        Assert.Equal(urls.Length, refused);
    }

    [Fact]
    public async Task Documents_that_expand_read_files_or_hang_the_parser_are_neutralised()
    {
        var laughs = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY lol \"lol\">");
        for (var level = 1; level <= 9; level++)
        {
            laughs.Append(CultureInfo.InvariantCulture, $"<!ENTITY lol{level} \"{string.Concat(Enumerable.Repeat($"&lol{(level == 1 ? string.Empty : level - 1)};", 10))}\">");
        }

        laughs.Append("]><rss version=\"2.0\"><channel><title>&lol9;</title><item><title>&lol9;</title></item></channel></rss>");
        const string Xxe = "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><rss version=\"2.0\"><channel><title>&xxe;</title><item><title>&xxe;</title><description>&xxe;</description></item></channel></rss>";
        var items = new StringBuilder("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Many</title>");
        for (var i = 0; i < 100_000; i++)
        {
            items.Append(CultureInfo.InvariantCulture, $"<item><title>Item {i}</title><guid>item-{i}</guid></item>");
        }

        items.Append("</channel></rss>");
        var documents = new Dictionary<string, string>
        {
            ["/laughs"] = laughs.ToString(),
            ["/xxe"] = Xxe,
            ["/comments"] = string.Concat(Enumerable.Repeat("<!--x-->", 40)),
            ["/items"] = items.ToString(),
        };
        await using var server = LocalHttpServer.Serving(request => documents.TryGetValue(request.Path, out var body) ? HttpReply.Text(200, body, "application/rss+xml") : null);
        var fetcher = Fetcher(new FetcherOptions { MaxBytes = 8 * 1024 * 1024 });
        var reader = new FeedReader();

        async Task<FeedDocument> PollAsync(string path)
        {
            var fetched = await fetcher.FetchAsync(new FetchRequest(server.Url(path.TrimStart('/'))), CancellationToken.None);
            Assert.True(fetched.Outcome != FetchOutcome.Failed, fetched.Error);
            return reader.Read(fetched.Body, fetched.ContentType, fetched.FinalUrl);
        }

        var laughed = await PollAsync("/laughs");
        var laughsHeld = !(laughed.Title ?? string.Empty).Contains("lollollol", StringComparison.Ordinal) && laughed.Items.All(item => (item.Title?.Length ?? 0) < 1000);
        SecurityTable.Row(Kind, "billion laughs (10⁹ nested entities)", 1, laughsHeld ? 1 : 0, laughed.Error ?? "entities not expanded");
        var xxe = await PollAsync("/xxe");
        var xxeHeld = !$"{xxe.Title}{string.Concat(xxe.Items.Select(item => item.Title + item.Summary + item.Content))}".Contains("root:", StringComparison.Ordinal);
        SecurityTable.Row(Kind, "XXE (an external entity naming /etc/passwd)", 1, xxeHeld ? 1 : 0, xxe.Error ?? "external entity not resolved");
        var comments = await PollAsync("/comments");
        SecurityTable.Row(Kind, "the 40-comment feed that hung the HTML check", 1, comments.Items.Count == 0 ? 1 : 0, comments.Error ?? "read");
        var many = await PollAsync("/items");
        var cap = new FeedReaderOptions().MaxItems;
        SecurityTable.Row(Kind, "a 100,000-item feed", 1, many.Items.Count <= cap ? 1 : 0,
            $"{many.ItemsRead:N0} items read, the newest {many.Items.Count:N0} kept; said: {many.Error}");

        Assert.True(laughsHeld, laughed.Title);
        Assert.True(xxeHeld, xxe.Title);
        Assert.Empty(comments.Items);
        Assert.NotNull(comments.Error);
        Assert.True(many.Items.Count <= cap, $"{many.Items.Count} items kept");
        Assert.Equal(100_000, many.ItemsRead);
    }

    [Fact]
    public async Task Bodies_that_never_end_or_explode_stop_at_their_caps()
    {
        var bomb = Gzip(new byte[200 * 1024 * 1024]);
        await using var server = new LocalHttpServer(async (request, stream, cancellationToken) =>
        {
            switch (request.Path)
            {
                case "/bomb":
                    await HttpReply.Bytes(200, bomb, "application/rss+xml", ("Content-Encoding", "gzip")).WriteAsync(stream, cancellationToken);
                    break;
                case "/huge" or "/endless":
                    // 200 MB announced, or no length at all: either way the bytes keep coming until the client stops reading.
                    var head = request.Path == "/huge" ? "Content-Length: 209715200\r\n" : string.Empty;
                    await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n{head}Connection: close\r\n\r\n"), cancellationToken);
                    var chunk = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("<item><title>more</title></item>", 2048)));
                    for (long sent = 0; sent < 209_715_200; sent += chunk.Length)
                    {
                        await stream.WriteAsync(chunk, cancellationToken);
                    }

                    break;
                case "/drip":
                    await (HttpReply.Text(200, Rss, "application/rss+xml") with { DripDelay = TimeSpan.FromSeconds(1) }).WriteAsync(stream, cancellationToken);
                    break;
                default:
                    // /loop/N: a redirect loop.
                    await HttpReply.Redirect(302, request.Path == "/loop/a" ? "/loop/b" : "/loop/a").WriteAsync(stream, cancellationToken);
                    break;
            }
        });
        var fetcher = Fetcher(new FetcherOptions { TimeoutSeconds = 3 });

        (string What, string Path, FetchErrorKind Expected)[] cases =
        [
            ("a gzip bomb (200 MB of zeros, 200 KB on the wire)", "bomb", FetchErrorKind.TooLarge),
            ("a 200 MB body", "huge", FetchErrorKind.TooLarge),
            ("an endless body (no length)", "endless", FetchErrorKind.TooLarge),
            ("1 byte a second", "drip", FetchErrorKind.Timeout),
            ("a redirect loop", "loop/a", FetchErrorKind.TooManyRedirects),
        ];
        var held = new List<bool>();
        foreach (var (what, path, expected) in cases)
        {
            var result = await fetcher.FetchAsync(new FetchRequest(server.Url(path)), CancellationToken.None);
            held.Add(result.ErrorKind == expected && result.Body.Length == 0);
            SecurityTable.Row(Kind, what, 1, held[^1] ? 1 : 0, result.Error ?? $"fetched {result.Body.Length:N0} bytes");
        }

        Assert.All(held, Assert.True);
    }

    /// <summary>A message without its addresses (with their ports), so that the refusals of many cases read as one.</summary>
    private static string Shape(string message) => System.Text.RegularExpressions.Regex.Replace(message, @"https?://\S+", "…", System.Text.RegularExpressions.RegexOptions.NonBacktracking);

    /// <summary>One of the messages, quoted, up to its advice (the advice is the same in all).</summary>
    private static string Sample(SortedSet<string> messages)
        => messages.Count == 0 ? "nothing said" : $"“{messages.Max!.Split("; set ", 2)[0]}”";

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }
}
