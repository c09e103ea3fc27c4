using FeedHub.Core.Ingest;
using FeedHub.Core.Urls;

namespace FeedHub.Core.Tests.Ingest;

public sealed class StoryIdentityTests
{
    [Theory]
    [InlineData("http://scripting.com/2017/06/26.html#a030658", "scripting.com/2017/06/26.html#a030658")]
    [InlineData("https://www.blog.example/post/?utm_source=rss#comments", "blog.example/post")]
    [InlineData("https://blog.example/post/#more-1234", "blog.example/post")]
    [InlineData("https://blog.example/post#xtor=RSS-3", "blog.example/post")]
    [InlineData("https://blog.example/thread#comment-42", "blog.example/thread#comment-42")]
    [InlineData("https://blog.example/index.html#", "blog.example")]
    public void The_story_form_keeps_a_fragment_that_names_a_post_and_drops_one_that_points_into_a_page(string url, string expected)
        => Assert.Equal(expected, UrlNormalizer.ForStory(url));

    [Fact]
    public void Posts_of_one_page_told_apart_by_their_anchor_have_different_keys()
    {
        var first = StoryIdentity.KeysOf("http://scripting.com/2017/06/26.html#a030658", "http://scripting.com/2017/06/26.html#a030658", null);
        var second = StoryIdentity.KeysOf("http://scripting.com/2017/06/26.html#a080605", "http://scripting.com/2017/06/26.html#a080605", null);

        Assert.Single(first);
        Assert.Empty(first.Intersect(second));
    }

    [Fact]
    public void A_link_a_guid_url_and_a_canonical_url_are_each_evidence_and_plain_ids_and_home_pages_are_not()
    {
        var keys = StoryIdentity.KeysOf("https://feedproxy.example/~r/blog/123", "https://blog.example/2026/post", "https://blog.example/2026/post/");

        Assert.Equal(2, keys.Count);
        Assert.Equal(keys[0], Assert.Single(StoryIdentity.KeysOf(null, "http://www.blog.example/2026/post?utm_medium=rss", null)));
        Assert.Empty(StoryIdentity.KeysOf("https://blog.example/", "tag:blog.example,2026:42", null));
        Assert.Empty(StoryIdentity.KeysOf(null, "urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6", null));
    }

    [Fact]
    public void A_key_is_placed_by_the_site_its_url_is_on_so_that_a_sites_keys_are_neighbours()
    {
        static string Place(string url) => Assert.Single(StoryIdentity.KeysOf(url, null, null))[..7];

        Assert.Equal(Place("https://blog.example/2026/11/19/one/"), Place("http://www.blog.example/2026/11/20/two/?utm_source=rss"));
        Assert.Equal(Place("https://blog.example/?p=12"), Place("https://blog.example/about"));
        Assert.NotEqual(Place("https://blog.example/?p=12"), Place("https://other.example/?p=12"));
        // Writers sharing a host have places of their own: by the path's first folders, or by their host.
        Assert.Equal(Place("https://medium.com/@ada/one-1a2b"), Place("https://medium.com/@ada/two-3c4d"));
        Assert.NotEqual(Place("https://medium.com/@ada/one-1a2b"), Place("https://medium.com/@bob/one-1a2b"));
        Assert.NotEqual(Place("https://ada.blogspot.com/2026/11/one.html"), Place("https://bob.blogspot.com/2026/11/one.html"));
        // The farm's feeds all on one host: a site's links and guids (?p=) share its place, other sites' differ.
        Assert.Equal(Place("http://127.0.0.1:8081/site/7/2026/11/19/one/"), Place("http://127.0.0.1:8081/site/7/?p=100000"));
        Assert.NotEqual(Place("http://127.0.0.1:8081/site/7/?p=100000"), Place("http://127.0.0.1:8081/site/8/?p=100000"));
        // A folder that is a post's id is not a site.
        Assert.Equal(Place("https://qa.example/questions/12345/one"), Place("https://qa.example/questions/67890/two"));
        Assert.Matches("^[0-9a-f]{6}:[0-9a-f]{32}$", Assert.Single(StoryIdentity.KeysOf(null, null, "https://blog.example/2026/post")));
    }

    [Fact]
    public void A_key_from_before_keys_were_placed_and_the_placed_key_of_its_story_name_one_story()
    {
        var placed = Assert.Single(StoryIdentity.KeysOf("https://blog.example/2026/post", null, null));
        var before = StoryIdentity.StoryOf(placed);
        const string CanonicalOfBefore = "0123456789abcdef0123456789abcdef";

        Assert.True(StoryIdentity.IsPlaced(placed));
        Assert.False(StoryIdentity.IsPlaced(before));
        Assert.True(StoryIdentity.Share([before], [placed]));
        Assert.False(StoryIdentity.Share([before], StoryIdentity.KeysOf("https://blog.example/2026/other", null, null)));
        Assert.Equal([placed, before], StoryIdentity.LookupKeysOf([placed], bareToo: true));
        Assert.Equal([placed], StoryIdentity.LookupKeysOf([placed, placed], bareToo: false));
        // An article stored again gets the placed form of its key; a key that no URL it has places stays as it was.
        Assert.Equal([placed, CanonicalOfBefore], StoryIdentity.Union([before, CanonicalOfBefore], [placed]));
    }

    [Fact]
    public void An_entry_id_is_a_tag_uri_of_the_authority_the_first_seen_day_and_the_article()
    {
        var id = EntryIds.Mint("planet.example.org", new DateTimeOffset(2026, 12, 5, 23, 30, 0, TimeSpan.FromHours(-5)), 7, "id:https://blog.example/post");

        Assert.Matches("^tag:planet\\.example\\.org,2026-12-06:source/7/[0-9a-f]{16}$", id);
        Assert.Equal(id, EntryIds.Mint("planet.example.org", new DateTimeOffset(2026, 12, 6, 4, 30, 0, TimeSpan.Zero), 7, "id:https://blog.example/post"));
        Assert.NotEqual(id, EntryIds.Mint("planet.example.org", new DateTimeOffset(2026, 12, 6, 4, 30, 0, TimeSpan.Zero), 8, "id:https://blog.example/post"));
        Assert.Matches("^feedhub-[0-9a-f]{12}\\.invalid$", EntryIds.NewInstallationAuthority());
    }
}

public sealed class PageCanonicalTests
{
    [Theory]
    [InlineData("""<html><head><link rel="stylesheet" href="/s.css"><link rel="canonical" href="https://blog.example/2026/post/"></head>""", "https://blog.example/2026/post/")]
    [InlineData("""<head><LINK HREF='/2026/post?a=1&amp;b=2' REL='Canonical'></head>""", "https://blog.example/2026/post?a=1&b=2")]
    [InlineData("""<head><link href=/relative rel="alternate canonical"></head>""", "https://blog.example/relative")]
    [InlineData("""<head><link rel="canonical" href="javascript:alert(1)"></head>""", null)]
    [InlineData("""<head><link rel="alternate" href="https://blog.example/feed"></head>""", null)]
    public void The_canonical_link_of_a_page_is_found_and_resolved(string html, string? expected)
        => Assert.Equal(expected, PageCanonical.Find(System.Text.Encoding.UTF8.GetBytes(html), new Uri("https://blog.example/go/42")));
}
