using System.Text;
using FeedHub.Core.Parser;
using FeedHub.Core.Publishing;
using FeedHub.Core.WebSub;

namespace FeedHub.Core.Tests.WebSub;

/// <summary>WebSub discovery in documents: the parser finds hubs and the self link in every format; the writers advertise FeedHub's hub.</summary>
public sealed class WebSubDiscoveryTests
{
    private readonly FeedReader reader = new();

    [Fact]
    public void Atom_hub_and_self_links_are_read_relative_ones_resolved_and_only_http_kept()
    {
        var atom = """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://blog.example/">
              <title>Blog</title><id>tag:blog.example,2026:feed</id><updated>2026-11-01T00:00:00Z</updated>
              <link rel="alternate" href="/"/>
              <link rel="self" href="/feed.atom"/>
              <link rel="hub" href="https://hub.example/"/>
              <link rel="hub" href="javascript:alert(1)"/>
              <link rel="HUB" href="/websub"/>
              <entry><title>Post</title><id>tag:blog.example,2026:1</id><updated>2026-11-01T00:00:00Z</updated><link rel="hub" href="https://entry-level.example/"/></entry>
            </feed>
            """;

        var document = reader.Read(Encoding.UTF8.GetBytes(atom));

        Assert.Equal("https://blog.example/feed.atom", document.SelfUrl);
        Assert.Equal(["https://hub.example/", "https://blog.example/websub"], document.Hubs);
        Assert.Equal("https://blog.example/", document.Link);
    }

    [Fact]
    public void Rss_reads_the_atom_links_of_its_channel()
    {
        var rss = """
            <?xml version="1.0"?>
            <rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>
              <title>Blog</title><link>https://blog.example/</link>
              <atom:link rel="hub" href="https://pubsubhubbub.appspot.com/"/>
              <atom:link rel="self" type="application/rss+xml" href="https://blog.example/feed/"/>
              <item><title>Post</title><guid>https://blog.example/1</guid></item>
            </channel></rss>
            """;

        var document = reader.Read(Encoding.UTF8.GetBytes(rss));

        Assert.Equal(["https://pubsubhubbub.appspot.com/"], document.Hubs);
        Assert.Equal("https://blog.example/feed/", document.SelfUrl);
        Assert.Equal("https://blog.example/", document.Link);
    }

    [Fact]
    public void Json_feed_hubs_and_feed_url_are_read_and_a_feed_without_them_has_none()
    {
        var json = """
            {"version": "https://jsonfeed.org/version/1.1", "title": "Blog", "home_page_url": "https://blog.example/",
             "feed_url": "https://blog.example/feed.json", "hubs": [{"type": "WebSub", "url": "https://hub.example/"}, {"type": "rssCloud"}, 7],
             "items": [{"id": "1", "title": "Post"}]}
            """;

        var document = reader.Read(Encoding.UTF8.GetBytes(json));
        var plain = reader.Read(Encoding.UTF8.GetBytes("""{"version": "https://jsonfeed.org/version/1.1", "title": "Blog", "items": []}"""));

        Assert.Equal(["https://hub.example/"], document.Hubs);
        Assert.Equal("https://blog.example/feed.json", document.SelfUrl);
        Assert.Empty(plain.Hubs);
        Assert.Null(plain.SelfUrl);
    }

    [Fact]
    public void A_feed_naming_many_hubs_keeps_the_first_few()
    {
        var links = string.Concat(Enumerable.Range(0, 5000).Select(i => $"<link rel=\"hub\" href=\"https://hub{i}.example/\"/>"));
        var atom = $"<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>t</title>{links}</feed>";

        var document = reader.Read(Encoding.UTF8.GetBytes(atom));

        Assert.Equal(FeedDocument.MaxHubs, document.Hubs.Count);
        Assert.Equal("https://hub0.example/", document.Hubs[0]);
    }

    [Fact]
    public void Feeds_FeedHub_writes_advertise_its_hub_in_every_format_and_read_back()
    {
        var feed = new PublishedFeed("FeedHub", null, new Uri("https://planet.example/feed.atom"), new Uri("https://planet.example/"), DateTimeOffset.UnixEpoch, [])
        {
            HubUrl = new Uri("https://planet.example/websub"),
        };

        foreach (var written in new[] { SyndicationWriter.Atom(feed), SyndicationWriter.Rss(feed), SyndicationWriter.Json(feed) })
        {
            var document = reader.Read(written);
            Assert.Equal(["https://planet.example/websub"], document.Hubs);
            Assert.Equal("https://planet.example/feed.atom", document.SelfUrl);
        }

        Assert.Empty(reader.Read(SyndicationWriter.Atom(feed with { HubUrl = null })).Hubs);
    }

    [Theory]
    [InlineData("sha256")]
    [InlineData("sha1")]
    [InlineData("sha384")]
    [InlineData("sha512")]
    public void A_signature_holds_for_its_body_and_secret_only(string method)
    {
        var body = Encoding.UTF8.GetBytes("<feed>new post</feed>");
        var signed = method == "sha256" ? WebSubSignature.Sign("s3cret", body) : $"{method}={Hmac(method, "s3cret", body)}";

        Assert.Null(WebSubSignature.Check(signed, "s3cret", body));
        Assert.Contains("does not match", WebSubSignature.Check(signed, "other", body), StringComparison.Ordinal);
        Assert.Contains("does not match", WebSubSignature.Check(signed, "s3cret", Encoding.UTF8.GetBytes("<feed>tampered</feed>")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "unsigned")]
    [InlineData("", "unsigned")]
    [InlineData("md5=abcd", "unknown method")]
    [InlineData("sha256=not-hex", "not hexadecimal")]
    [InlineData("sha256", "unknown method")]
    public void A_missing_or_malformed_signature_is_refused_with_its_reason(string? header, string reason)
        => Assert.Contains(reason, WebSubSignature.Check(header, "s3cret", "x"u8), StringComparison.Ordinal);

    private static string Hmac(string method, string secret, byte[] body)
    {
        var key = Encoding.UTF8.GetBytes(secret);
#pragma warning disable CA5350 // WebSub's sha1 is checked as hubs send it
        return Convert.ToHexStringLower(method switch
        {
            "sha1" => System.Security.Cryptography.HMACSHA1.HashData(key, body),
            "sha384" => System.Security.Cryptography.HMACSHA384.HashData(key, body),
            _ => System.Security.Cryptography.HMACSHA512.HashData(key, body),
        });
#pragma warning restore CA5350
    }
}
