using System.Text.RegularExpressions;
using FeedHub.Core.Curation;
using FeedHub.Core.Model;
using FeedHub.Core.Parser;
using FeedHub.Core.Storage;
using FeedHub.Tests.Support;
using FeedHub.Worker;

namespace FeedHub.Tests.Pipeline;

/// <summary>A feed that gives only a summary: FeedHub fetches the real page and serves the article without the page's clutter.</summary>
public sealed partial class FullTextTests
{
    private static readonly string Page = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "pages", "lawan-adjournment.html"));
    private static readonly string Truth = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "pages", "lawan-adjournment.txt"));

    [Fact]
    public async Task A_summary_only_item_is_served_with_the_full_clean_text_of_its_page()
    {
        const string Summary = "Senator Ahmad Lawan moved a motion for adjournment.\nRead more…";
        await using var site = LocalHttpServer.Serving(request => request.Path switch
        {
            "/feed" => HttpReply.Text(200, $"""
                <?xml version="1.0" encoding="utf-8"?>
                <rss version="2.0"><channel><title>The Paradigm</title><link>http://{request.Header("Host")}/</link>
                <item><title>Lawan moves motion for Senate's adjournment</title><link>http://{request.Header("Host")}/2018/10/09/lawan/</link>
                <guid>lawan-1</guid><pubDate>Tue, 09 Oct 2018 14:00:00 +0100</pubDate><description>{Summary}</description></item>
                </channel></rss>
                """, "application/rss+xml"),
            "/2018/10/09/lawan/" => HttpReply.Text(200, Page, "text/html; charset=utf-8"),
            _ => null,
        });
        await using var app = await TestApp.StartAsync();
        var source = (await app.Get<SourceCatalog>().AddAsync(site.Url("feed").AbsoluteUri, SourceSettings.None, default)).Source!;
        await app.Get<SourceScheduler>().ScheduleAsync(source.Id, DateTimeOffset.UtcNow, default);

        var store = app.Get<IFeedStore>();
        var article = await TestApp.EventuallyAsync(
            async () => (await store.ListArticlesAsync(new ArticleQuery(), default)).SingleOrDefault(),
            a => a?.Extraction is ExtractionState.Ok or ExtractionState.Failed or ExtractionState.TooShort);

        Assert.NotNull(article);
        Assert.Equal(ExtractionState.Ok, article.Extraction);
        Assert.True(ShingleRecall(Truth, article.ExtractedText!) > 0.9, "the extracted text holds the article");
        var servedPage = await app.Http.GetStringAsync($"/articles/{article.Id}");
        var atom = new FeedReader().Read(await app.Http.GetByteArrayAsync("/feed.atom")).Items.Single().Content!;
        foreach (var served in new[] { servedPage, atom })
        {
            Assert.Contains("moved a motion for the adjournment of the first plenary session", served, StringComparison.Ordinal);
            Assert.Contains("resolved to observe a minute of silence", served, StringComparison.Ordinal);
            Assert.DoesNotContain("share on Facebook", served, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotMatch(CommentCount(), served);
            Assert.DoesNotContain("Back to top", served, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<script", Regex.Replace(served, "<script src=\"/assets/(keys|times).js\" defer></script>", string.Empty, RegexOptions.NonBacktracking), StringComparison.OrdinalIgnoreCase);
        }
    }

    /// <summary>The share of the truth's 4-word shingles found in the candidate.</summary>
    private static double ShingleRecall(string truth, string candidate)
    {
        static List<string> Shingles(string text)
        {
            var words = Words().Matches(text).Select(m => m.Value).ToList();
            return Enumerable.Range(0, Math.Max(0, words.Count - 3)).Select(i => string.Join(' ', words.Skip(i).Take(4))).ToList();
        }

        var found = Shingles(candidate).ToHashSet();
        var wanted = Shingles(truth);
        return wanted.Count(found.Contains) / (double)wanted.Count;
    }

    [GeneratedRegex(@"\w+", RegexOptions.NonBacktracking)]
    private static partial Regex Words();

    [GeneratedRegex(@"\b\d+ comments?\b", RegexOptions.IgnoreCase | RegexOptions.NonBacktracking)]
    private static partial Regex CommentCount();
}
