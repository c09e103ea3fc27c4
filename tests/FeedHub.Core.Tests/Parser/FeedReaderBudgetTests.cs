using System.Globalization;
using System.Text;
using FeedHub.Core.Parser;
using FeedHub.Core.Settings;

namespace FeedHub.Core.Tests.Parser;

/// <summary>Inputs built to hold a worker or balloon memory: each finishes, within its budget, with what was cut said plainly.</summary>
public sealed class FeedReaderBudgetTests
{
    private readonly FeedReader reader = new();

    /// <summary>
    /// Runs the parse on a thread of its own and fails when it has not finished after a minute: a hang must fail the
    /// test, not stall the whole run. (Not a timing assertion: these inputs take milliseconds.)
    /// </summary>
    internal static T Finishes<T>(Func<T> parse)
    {
        T? result = default;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = parse();
            }
            catch (Exception exception)
            {
                failure = exception;
            }
        }, 16 * 1024 * 1024) { IsBackground = true };
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromMinutes(1)), "the parse did not finish within a minute: it hangs");
        Assert.Null(failure);
        return result!;
    }

    [Theory]
    [InlineData(40)]
    [InlineData(4_000)]
    public void Forty_comments_served_as_a_feed_no_longer_hang_the_html_check(int comments)
    {
        var body = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("<!--x-->", comments)));

        var feed = Finishes(() => reader.Read(body, "application/rss+xml"));

        Assert.False(feed.IsFeed);
        Assert.False(feed.Refused);
        Assert.Equal("no XML elements found", feed.Error);
    }

    [Theory]
    [InlineData("<!--a--><!--b-->\n<!DOCTYPE html><p>hi</p>", true)]
    [InlineData("<?xml version=\"1.0\"?>\n<!-- c --><!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0//EN\" \"x\">\n<html><body/></html>", true)]
    [InlineData("  <HTML lang=en><head>", true)]
    [InlineData("<!DOCTYPE rss><!-- x --><body>", true)]
    [InlineData("<?>?><html>", true)]
    [InlineData("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel/></rss>", false)]
    [InlineData("<!--<html>--><rss/>", false)]
    [InlineData("<!DOCTYPE htmlx><rss/>", false)]
    [InlineData("<htmlx>", false)]
    [InlineData("<!-- never closed <html>", false)]
    public void The_html_check_reads_what_the_old_expression_read(string text, bool isHtml)
        => Assert.Equal(isHtml, FeedReader.IsHtmlPage(text));

    [Fact]
    public void A_document_over_its_time_budget_is_refused_with_a_message_saying_so()
    {
        var budgeted = new FeedReader(new FeedReaderOptions { TimeBudget = TimeSpan.FromMilliseconds(1) });
        var body = Encoding.UTF8.GetBytes(Rss(20_000, item => $"<item><title>Post {item}</title><description>{new string('x', 200)}</description></item>"));

        var feed = budgeted.Read(body);

        Assert.True(feed.Refused);
        Assert.False(feed.IsFeed);
        Assert.Empty(feed.Items);
        Assert.Contains("more than 0 s of processor time to parse (FeedHub:Parser:TimeBudget)", feed.Error, StringComparison.Ordinal);
        Assert.False(reader.Read(body).Refused);
    }

    [Fact]
    public void The_budget_also_bounds_the_repairing_path()
    {
        var budgeted = new FeedReader(new FeedReaderOptions { TimeBudget = TimeSpan.FromMilliseconds(1) });
        var body = Encoding.UTF8.GetBytes(Rss(20_000, item => $"<item><title>Post {item} & more</title><description>&nbsp;{new string('x', 200)}</description></item>"));

        var feed = budgeted.Read(body);

        Assert.True(feed.Refused);
        Assert.Contains("FeedHub:Parser:TimeBudget", feed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_the_newest_items_are_kept_in_document_order_and_the_cap_is_reported()
    {
        // 5,000 items, oldest first: the newest 1,000 are the last ones.
        var start = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var body = Encoding.UTF8.GetBytes(Rss(5_000, item => $"<item><guid>id-{item}</guid><pubDate>{start.AddHours(item):R}</pubDate></item>"));

        var feed = reader.Read(body);

        Assert.Equal(1_000, feed.Items.Count);
        Assert.Equal(5_000, feed.ItemsRead);
        Assert.Equal(Enumerable.Range(4_000, 1_000).Select(item => $"id-{item}"), feed.Items.Select(item => item.Id));
        Assert.Equal("kept the newest 1,000 of 5,000 items (FeedHub:Parser:MaxItems)", feed.Error);
    }

    [Fact]
    public void Undated_items_count_as_newest_and_the_cap_is_configurable()
    {
        var capped = new FeedReader(new FeedReaderOptions { MaxItems = 3 });
        var json = """
            {"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": [
              {"id": "old", "date_published": "2001-01-01T00:00:00Z"},
              {"id": "undated-1"},
              {"id": "new", "date_published": "2024-01-01T00:00:00Z"},
              {"id": "older", "date_published": "2000-01-01T00:00:00Z"},
              {"id": "undated-2"}
            ]}
            """;

        var feed = capped.Read(Encoding.UTF8.GetBytes(json));

        Assert.Equal(["undated-1", "new", "undated-2"], feed.Items.Select(item => item.Id));
        Assert.Equal("kept the newest 3 of 5 items (FeedHub:Parser:MaxItems)", feed.Error);
    }

    [Fact]
    public void Over_long_fields_are_cut_at_a_character_boundary_and_reported()
    {
        var title = string.Concat(Enumerable.Repeat("é", 3_000)); // 6,000 UTF-8 bytes
        var author = new string('a', 5_000);
        var body = Encoding.UTF8.GetBytes(Rss(1, _ => $"<item><title>{title}</title><author>{author}</author><description>short</description></item>"));

        var item = Assert.Single(reader.Read(body).Items);
        var feed = reader.Read(body);

        Assert.Equal(4 * 1024, Encoding.UTF8.GetByteCount(item.Title!));
        Assert.Equal(2 * 1024, item.Title!.Length);
        Assert.Equal(1024, item.Author!.Length);
        Assert.Equal("short", item.Summary);
        Assert.Equal("cut 2 over-long title, author, summary or content fields to its size cap (FeedHub:Parser:Max…Bytes)", feed.Error);
    }

    [Fact]
    public void A_cut_never_splits_a_surrogate_pair()
    {
        var capped = new FeedReader(new FeedReaderOptions { MaxTitleBytes = 65 });
        var body = Encoding.UTF8.GetBytes(Rss(1, _ => $"<item><title>a{string.Concat(Enumerable.Repeat("😀", 40))}</title></item>"));

        var title = Assert.Single(capped.Read(body).Items).Title!;

        Assert.Equal("a" + string.Concat(Enumerable.Repeat("😀", 16)), title);
    }

    [Fact]
    public void Links_that_are_not_http_are_dropped_and_counted()
    {
        var rss = """
            <rss version="2.0"><channel><title>t</title><link>javascript:alert(document.domain)</link>
            <image><url>data:image/svg+xml,&lt;svg onload=alert(1)&gt;</url></image>
            <item><title>a</title><link>JavaScript:alert(1)</link><enclosure type="image/png" url="file:///etc/passwd"/></item>
            <item><title>b</title><link>java&#9;script:alert(2)</link></item>
            <item><title>c</title><link>https://blog.example/c</link><enclosure type="image/png" url="/img/c.png"/></item>
            </channel></rss>
            """;

        var feed = reader.Read(Encoding.UTF8.GetBytes(rss), location: new Uri("https://blog.example/feed"));

        Assert.Null(feed.Link);
        Assert.Null(feed.ImageUrl);
        // A tab inside the scheme makes it a relative link to a browser too: it resolves to a harmless address on the site.
        Assert.Equal([null, "https://blog.example/java%09script:alert(2)", "https://blog.example/c"], feed.Items.Select(item => item.Link));
        Assert.Equal([null, null, "https://blog.example/img/c.png"], feed.Items.Select(item => item.ImageUrl));
        Assert.Equal("dropped 4 links that are not http(s) (javascript:, data: and the like)", feed.Error);
        Assert.Null(Assert.Single(reader.Read(Encoding.UTF8.GetBytes("<rss version=\"2.0\"><channel><item><link>java&#9;script:alert(2)</link></item></channel></rss>")).Items).Link);
    }

    [Fact]
    public void A_million_nested_elements_in_content_do_not_overflow_the_stack()
    {
        const int depth = 1_000_000;
        var content = new StringBuilder(depth * 8);
        content.Insert(0, "<b>", depth).Append("deep").Insert(content.Length, "</b>", depth);
        var body = Encoding.UTF8.GetBytes(Rss(1, _ => $"<item><title>t</title><description>{content}</description></item>"));

        var feed = Finishes(() => new FeedReader(new FeedReaderOptions { MaxSummaryBytes = 16 * 1024 * 1024 }).Read(body));

        Assert.True(feed.IsFeed);
        var summary = Assert.Single(feed.Items).Summary!;
        Assert.Equal(depth, summary.AsSpan().Count("</b>"));
        Assert.Contains("<b><b>deep</b></b>", summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Nested_channels_and_media_groups_are_not_recursed_into_without_end()
    {
        const int depth = 100_000;
        var channels = new StringBuilder().Insert(0, "<channel>", depth).Append("<item><title>x</title></item>").Insert(0, "<rss version=\"2.0\">")
            .Append(string.Concat(Enumerable.Repeat("</channel>", depth))).Append("</rss>").ToString();
        var groups = Rss(1, _ => "<item><title>m</title>" + string.Concat(Enumerable.Repeat("<media:group>", depth)) + string.Concat(Enumerable.Repeat("</media:group>", depth)) + "</item>")
            .Replace("<rss version=\"2.0\">", "<rss version=\"2.0\" xmlns:media=\"http://search.yahoo.com/mrss/\">", StringComparison.Ordinal);

        var nestedChannels = Finishes(() => reader.Read(Encoding.UTF8.GetBytes(channels)));
        var nestedGroups = Finishes(() => reader.Read(Encoding.UTF8.GetBytes(groups)));

        Assert.True(nestedChannels.IsFeed);
        Assert.Equal("m", Assert.Single(nestedGroups.Items).Title);
    }

    [Theory]
    [InlineData("<!--c-->", "&")]
    [InlineData("<![CDATA[c]]>", "&")]
    [InlineData("<!--c-->", "&nbsp;")]
    [InlineData("<!x>", "<oops")]
    public void Floods_of_comments_sections_and_declarations_read_in_linear_time(string unit, string fault)
    {
        // 250,000 comments (2 MB) before a fault that sends the document to the repairing path: each comment used to
        // search the rest of the text again, which took minutes.
        var body = Encoding.UTF8.GetBytes($"<rss version=\"2.0\"><channel><title>t</title>{string.Concat(Enumerable.Repeat(unit, 250_000))}<item><title>a {fault} b</title></item></channel></rss>");

        var feed = Finishes(() => reader.Read(body));

        Assert.False(feed.Refused, feed.Error);
        Assert.True(feed.IsFeed, feed.Error);
    }

    /// <summary>
    /// Found by the long fuzzing run (mutant 16,429): sixty thousand unclosed &lt;div&gt;s, then thousands of end tags that
    /// match nothing. The tag balancer walked the whole open stack for each end tag: 26 s for 530 KB.
    /// </summary>
    [Fact]
    public void End_tags_matching_nothing_under_sixty_thousand_open_elements_balance_in_linear_time()
    {
        var body = Encoding.UTF8.GetBytes("<rss version=\"2.0\"><channel><title>t</title><item><title>x</title><description>"
            + string.Concat(Enumerable.Repeat("<div>", 60_000))
            + string.Concat(Enumerable.Repeat("<media:title></media:title></media:content></item></channel>", 20_000)) + "</rss>");

        var feed = Finishes(() => reader.Read(body));

        Assert.False(feed.Refused, feed.Error);
        Assert.True(feed.IsFeed, feed.Error);
    }

    [Fact]
    public void A_tag_with_a_hundred_thousand_attributes_and_no_end_reads_in_linear_time()
    {
        var body = Encoding.UTF8.GetBytes("<rss version=\"2.0\"><channel><title>t &amp; u</title><item " + string.Concat(Enumerable.Range(0, 100_000).Select(i => $"a{i}='v' ")) + "<title>x</title></item></channel></rss>");

        var feed = Finishes(() => reader.Read(body));

        Assert.False(feed.Refused, feed.Error);
    }

    [Theory]
    [InlineData(0, 2_000, "FeedHub:Parser:MaxItems must be between 1 and 1,000,000")]
    [InlineData(2_000_000, 2_000, "FeedHub:Parser:MaxItems must be between 1 and 1,000,000")]
    [InlineData(1_000, 0, "FeedHub:Parser:TimeBudget must be positive")]
    public void Options_that_would_refuse_every_feed_or_none_are_refused_with_the_key_to_fix(int maxItems, int budgetMilliseconds, string problem)
    {
        var options = new FeedReaderOptions { MaxItems = maxItems, TimeBudget = TimeSpan.FromMilliseconds(budgetMilliseconds) };

        var result = new CheckedOptionsValidator<FeedReaderOptions>().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Equal(problem, result.FailureMessage);
        Assert.Equal(problem, Assert.Throws<ArgumentException>(() => new FeedReader(options)).Message.Split(" (Parameter")[0]);
    }

    private static string Rss(int items, Func<int, string> item)
    {
        var text = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>Budget</title><link>https://blog.example/</link>");
        for (var i = 0; i < items; i++)
        {
            text.Append(item(i));
        }

        return text.Append("</channel></rss>").ToString();
    }
}
