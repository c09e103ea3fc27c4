using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using FeedHub.Tests.Support;

namespace FeedHub.Tests.Web;

/// <summary>The blogroll page over HTTP on a real Kestrel port.</summary>
public sealed class BlogrollPageTests
{
    /// <summary>
    /// The markup of its list, whole: the active sources by first category, by name within one (the uncategorised
    /// last), each with its site, its feed, and its posts and feed here, every name and address escaped. It is the
    /// markup the list had as Razor components, which it is no longer written with.
    /// </summary>
    [Fact]
    public async Task The_blogroll_lists_the_active_sources_by_category_in_the_markup_it_always_had()
    {
        await using var app = await TestApp.StartAsync(worker: false);
        var store = app.Get<IFeedStore>();
        var zeta = await StoreSeeder.SourceAsync(store, "Zeta", "Tech", "Science");
        var alpha = await store.AddSourceAsync(new Source
        {
            FeedUrl = "https://alpha.example/feed?a=1&b=\"2\"", SiteUrl = "https://alpha.example/?a=1&b=2", Title = "alpha & <beta>", Categories = ["Tech"],
            CreatedAt = DateTimeOffset.UtcNow,
        }, default);
        var loose = await StoreSeeder.SourceAsync(store, "Loose");
        var paused = await StoreSeeder.SourceAsync(store, "Paused", "Tech");
        await store.ChangeSourceAsync(paused.Id, stored =>
        {
            stored.State = SourceState.Paused;
            return true;
        }, default);

        var page = await app.Http.GetStringAsync("/blogroll");

        var start = page.IndexOf("<section>", StringComparison.Ordinal);
        var end = page.IndexOf("<script src=\"/assets/copy.js\"", StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "no list of sources before the script");
        Assert.EndsWith("</li></ul>", page[..start], StringComparison.Ordinal);
        Assert.Equal(
            """<section><h2 dir="auto">Tech <span class="count">(2)</span></h2>""" + "\n            " + """<ul class="blogroll">"""
            + Item(alpha.Id, "https://alpha.example/?a=1&amp;b=2", "https://alpha.example/feed?a=1&amp;b=&quot;2&quot;", "alpha &amp; &lt;beta&gt;")
            + Item(zeta.Id, "https://zeta.example/", "https://zeta.example/feed", "Zeta")
            + """</ul></section><section><h2 dir="auto">Uncategorised <span class="count">(1)</span></h2>""" + "\n            " + """<ul class="blogroll">"""
            + Item(loose.Id, "https://loose.example/", "https://loose.example/feed", "Loose")
            + "</ul></section>",
            page[start..end]);
    }

    private static string Item(long id, string site, string feed, string name)
        => $"""<li><a class="name" href="{site}" rel="noopener noreferrer" dir="auto">{name}</a>"""
            + "\n                        "
            + $"""<span class="meta links"><a href="{feed}" rel="noopener noreferrer">its feed</a><a href="/?source={id}">posts here</a><a href="/feed.atom?source={id}" type="application/atom&#x2B;xml">feed here</a></span></li>""";
}
