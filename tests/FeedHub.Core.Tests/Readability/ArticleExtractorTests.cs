using System.Text;
using FeedHub.Core.Readability;

namespace FeedHub.Core.Tests.Readability;

public sealed class ArticleExtractorTests
{
    private static readonly ArticleExtractor Extractor = ArticleExtractor.Shared;

    [Theory]
    [InlineData("news/nj-meth-campaign", 0.95)]
    [InlineData("news/rt-bolivia", 0.95)]
    [InlineData("news/cleveland-doobie-brothers", 0.95)]
    [InlineData("readability/lemonde-1", 0.95)]
    [InlineData("readability/heise", 0.95)]
    [InlineData("readability/gmw", 0.95)]
    [InlineData("readability/social-buttons", 0.95)]
    public void RealPagesComeOutCloseToTheAnnotatedBody(string page, double minimumF1)
    {
        var result = Extractor.Extract(Fixtures.Read(page + ".html"), new Uri("https://example.com/article"));

        Assert.Equal(ExtractionOutcome.Ok, result.Outcome);
        Assert.True(ShingleScore.F1(Fixtures.Read(page + ".txt"), result.Text) >= minimumF1,
            $"F1 {ShingleScore.F1(Fixtures.Read(page + ".txt"), result.Text):F3} for {page}");
    }

    [Fact]
    public void RealPagesLoseTheirShareLinksAndCallsToAction()
    {
        var rt = Extractor.Extract(Fixtures.Read("news/rt-bolivia.html"), null).Text;
        var cleveland = Extractor.Extract(Fixtures.Read("news/cleveland-doobie-brothers.html"), null).Text;
        var nj = Extractor.Extract(Fixtures.Read("news/nj-meth-campaign.html"), null).Text;

        Assert.DoesNotContain("Share it with a friend", rt, StringComparison.Ordinal);
        Assert.DoesNotContain("You may also like", cleveland, StringComparison.Ordinal);
        Assert.DoesNotContain("Subscribe to NJ.com", nj, StringComparison.Ordinal);
        Assert.Contains("Dianna E. Anderson", nj, StringComparison.Ordinal); // embedded tweets are part of the story
    }

    private static readonly string Prose = string.Concat(Enumerable.Repeat(
        "<p>This is the first post on our blog, about programming, open source and the people who make it happen.</p>", 6));

    [Fact]
    public void A_heading_that_is_a_short_part_of_the_page_title_is_left_out_but_a_paragraph_saying_the_same_is_kept()
    {
        var html = $"<html><head><title>Hello world – My blog</title></head><body><article><h1>Hello world</h1>{Prose}<p>Hello world</p></article></body></html>";

        var text = Extractor.Extract(html, null).Text;

        Assert.StartsWith("This is the first post", text, StringComparison.Ordinal);
        Assert.EndsWith("Hello world", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_title_the_feed_gives_is_left_out_of_a_page_that_names_only_its_site()
    {
        var html = $"<html><head><title>My blog</title></head><body><article><h2 class=\"entry-title\">Release 1.2</h2>{Prose}</article></body></html>";

        var told = Extractor.Extract(html, null, new ExtractionOptions { KnownTitle = "Release 1.2" }).Text;
        var untold = Extractor.Extract(html, null).Text;

        Assert.StartsWith("This is the first post", told, StringComparison.Ordinal);
        Assert.StartsWith("Release 1.2", untold, StringComparison.Ordinal);
    }

    [Fact]
    public void BlogClutterAroundTheArticleIsDropped()
    {
        var result = Extractor.Extract(BlogPage.WithClutter(classHints: true), new Uri("https://blog.example.fr/2012/fin-des-medias-sociaux/"));

        foreach (var paragraph in BlogPage.Paragraphs)
        {
            Assert.Contains(paragraph, result.Text, StringComparison.Ordinal);
        }

        foreach (var clutter in BlogPage.Clutter)
        {
            Assert.DoesNotContain(clutter, result.Text, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(BlogPage.Title, result.Text, StringComparison.Ordinal);
        Assert.Equal(BlogPage.Title, result.Title);
        Assert.Equal("fr", result.Language);
    }

    [Fact]
    public void WidgetLabelsAreDroppedEvenWithoutClassNames()
    {
        var text = Extractor.Extract(BlogPage.WithClutter(classHints: false), null).Text;

        Assert.DoesNotContain("Follow me", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Un commentaire", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Bouton retour en haut de la page", text, StringComparison.Ordinal);
        Assert.Contains(BlogPage.Paragraphs[^1], text, StringComparison.Ordinal);
    }

    [Fact]
    public void BlocksAreSeparatedByABlankLineSoWordsNeverRunTogether()
    {
        const string html = """
            <html><body><article>
            <h2>Heading</h2><p>First paragraph of a long enough article body, with commas, clauses, and more words to count.</p>
            <ul><li>one item</li><li>two item</li></ul><blockquote>A quote</blockquote>
            <table><tr><td>cell a</td><td>cell b</td></tr><tr><td>cell c</td><td>cell d</td></tr></table>
            <pre>line 1
              line 2</pre><p>Second paragraph<br>after a break, also long enough to be kept as part of the article.</p>
            </article></body></html>
            """;

        var text = Extractor.Extract(html, null).Text;

        Assert.Equal(
            "Heading\n\nFirst paragraph of a long enough article body, with commas, clauses, and more words to count.\n\n"
            + "one item\n\ntwo item\n\nA quote\n\ncell a cell b\n\ncell c cell d\n\nline 1\n  line 2\n\n"
            + "Second paragraph\nafter a break, also long enough to be kept as part of the article.",
            text);
    }

    [Fact]
    public void Windows1252FrenchPageIsDecodedFromItsMetaCharset()
    {
        var html = "<html><head><meta charset=\"windows-1252\"><title>Été</title></head><body><article>"
            + string.Concat(Enumerable.Repeat("<p>L’été dernier, les élèves ont découvert « la forêt » près de Besançon, où ça bouge.</p>", 5))
            + "</article></body></html>";
        var bytes = Encoding.GetEncoding(1252).GetBytes(html);

        var result = Extractor.Extract(bytes, contentType: null, pageUrl: null);

        Assert.Contains("L’été dernier, les élèves ont découvert « la forêt » près de Besançon, où ça bouge.", result.Text, StringComparison.Ordinal);
        Assert.Equal("fr", result.Language);
    }

    [Fact]
    public void ShiftJisPageIsDecodedFromAMetaCharsetPastTheFirstKilobyte()
    {
        var padding = "<meta name=\"description\" content=\"" + new string('x', 2000) + "\">";
        var html = "<html><head>" + padding + "<meta charset=\"Shift_JIS\"><title>日本語</title></head><body><article>"
            + string.Concat(Enumerable.Repeat("<p>吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。何でも薄暗いじめじめした所でニャーニャー泣いていた事だけは記憶している。</p>", 4))
            + "</article></body></html>";
        var bytes = FeedHub.Core.Charsets.CharsetDetector.FromLabel("shift_jis")!.GetBytes(html);

        var result = Extractor.Extract(bytes, contentType: "text/html", pageUrl: null);

        Assert.Contains("吾輩は猫である。名前はまだ無い。", result.Text, StringComparison.Ordinal);
        Assert.Equal("ja", result.Language);
        Assert.True(result.WordCount > 200, $"CJK words counted per character, got {result.WordCount}");
    }

    [Fact]
    public void HttpCharsetWinsOverMetaAndByteOrderMarkWinsOverBoth()
    {
        var body = "<html><head><meta charset=\"utf-8\"></head><body><p>Größe</p></body></html>";
        var latin1 = Encoding.GetEncoding(1252).GetBytes(body);
        Assert.Contains("Größe", ArticleExtractor.DecodePage(latin1, "text/html; charset=ISO-8859-1"), StringComparison.Ordinal);

        var withBom = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes(body)).ToArray();
        Assert.Contains("Größe", ArticleExtractor.DecodePage(withBom, "text/html; charset=windows-1252"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Die Bundesregierung hat am Mittwoch beschlossen, dass die neuen Regeln für alle gelten und nicht nur für einige.", "de")]
    [InlineData("北京时间昨天晚上，国家统计局发布了最新的经济数据，显示今年前三季度国内生产总值同比增长。", "zh")]
    [InlineData("قالت الحكومة يوم الأربعاء إن القواعد الجديدة ستطبق على الجميع وليس فقط على البعض منهم في البلاد.", "ar")]
    [InlineData("הממשלה הודיעה ביום רביעי כי הכללים החדשים יחולו על כולם ולא רק על חלק מהאזרחים במדינה.", "he")]
    public void LanguageIsDetectedWhenThePageDoesNotDeclareIt(string sentence, string language)
    {
        var html = "<html><body><article>" + string.Concat(Enumerable.Repeat($"<p>{sentence}</p>", 6)) + "</article></body></html>";

        var result = Extractor.Extract(html, null);

        Assert.Equal(language, result.Language);
        Assert.Equal(language is "ar" or "he", result.IsRightToLeft);
        Assert.Contains(sentence, result.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void MetadataComesFromOpenGraphAndJsonLd()
    {
        const string html = """
            <html lang="en-GB"><head>
            <meta property="og:title" content="The real title">
            <meta property="og:site_name" content="Example News">
            <meta property="og:image" content="/img/lead.jpg">
            <script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"x"},
              {"@type":"NewsArticle","headline":"The real title","datePublished":"2019-11-19T10:30:00+01:00",
               "author":[{"@type":"Person","name":"Ada Lovelace"},{"@type":"Person","name":"Alan Turing"}]}]}</script>
            </head><body><article><h1>The real title</h1>
            <p>Enough words in this paragraph to make it an article, with commas, and more commas, and still more words.</p>
            </article></body></html>
            """;

        var result = Extractor.Extract(html, new Uri("https://news.example.com/2019/story"));

        Assert.Equal("The real title", result.Title);
        Assert.Equal("Ada Lovelace, Alan Turing", result.Byline);
        Assert.Equal(new DateTimeOffset(2019, 11, 19, 10, 30, 0, TimeSpan.FromHours(1)), result.Published);
        Assert.Equal("https://news.example.com/img/lead.jpg", result.LeadImageUrl);
        Assert.Equal("Example News", result.SiteName);
        Assert.Equal("en-GB", result.Language);
        Assert.DoesNotContain("The real title", result.Text, StringComparison.Ordinal);
        Assert.Equal(ExtractionOutcome.TooShort, result.Outcome);
    }

    [Fact]
    public void CssSelectorOverrideChoosesTheArticle()
    {
        const string html = """
            <html><body>
            <div class="story"><p>The short real story that the heuristics would overlook next to the long sidebar text.</p></div>
            <div class="content"><p>A long block of other prose, with commas, clauses, and repeated words, repeated words, repeated words.</p>
            <p>Another long block of other prose, with commas, clauses, and repeated words, repeated words, repeated words.</p></div>
            </body></html>
            """;

        var result = Extractor.Extract(html, null, new ExtractionOptions { CssSelectorOverride = "div.story" });

        Assert.Equal("The short real story that the heuristics would overlook next to the long sidebar text.", result.Text);
    }

    [Fact]
    public void LazyImagesAreRestoredAndUrlsMadeAbsolute()
    {
        const string html = """
            <html><body><article>
            <p>Paragraph one of the article, long enough, with commas, and a <a href="/about">relative link</a> inside it.</p>
            <noscript><img src="/images/fallback.jpg" alt="fallback"></noscript>
            <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="/images/photo.jpg" alt="photo">
            <img src="/spacer.gif" data-lazy-srcset="/images/b-400.jpg 400w, /images/b-800.jpg 800w" alt="second">
            <img src="/spacer.gif" alt="placeholder replaced by the noscript copy"><noscript><img src="/images/real.jpg" alt="real"></noscript>
            <p>Paragraph two of the article, long enough, with commas, and more words, so the article is picked.</p>
            </article></body></html>
            """;

        var html2 = Extractor.Extract(html, new Uri("https://site.example/posts/1")).Html;

        Assert.Contains("src=\"https://site.example/images/photo.jpg\"", html2, StringComparison.Ordinal);
        Assert.Contains("https://site.example/images/b-800.jpg 800w", html2, StringComparison.Ordinal);
        Assert.Contains("src=\"https://site.example/images/fallback.jpg\"", html2, StringComparison.Ordinal);
        Assert.Contains("src=\"https://site.example/images/real.jpg\"", html2, StringComparison.Ordinal);
        Assert.DoesNotContain("spacer.gif\" alt=\"placeholder", html2, StringComparison.Ordinal);
        Assert.Contains("href=\"https://site.example/about\"", html2, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("javascript:alert(1)//")]
    [InlineData("data:text/html,hi")]
    public void BaseHrefCannotRedirectTheArticlesLinksElsewhere(string baseHref)
    {
        var html = $"<html><head><base href=\"{baseHref}\"></head><body><article><p>Read the <a href=\"next\">next part</a> of this long "
            + "article, which has commas, clauses, and enough words to be the article.</p></article></body></html>";

        var result = Extractor.Extract(html, new Uri("https://site.example/posts/1"));

        Assert.Contains("href=\"https://site.example/posts/next\"", result.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void SameSiteBaseHrefIsHonoured()
    {
        var html = "<html><head><base href=\"/archive/\"></head><body><article><p>Read the <a href=\"next\">next part</a> of this long "
            + "article, which has commas, clauses, and enough words to be the article.</p></article></body></html>";

        var result = Extractor.Extract(html, new Uri("https://site.example/posts/1"));

        Assert.Contains("href=\"https://site.example/archive/next\"", result.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void AnArticleInATableCellComesOutWithoutTheCellsTags()
    {
        var paragraph = "<p>A paragraph of the article laid out in a table, with commas, clauses, and enough words to be kept.</p>";
        var page = "<html><body><table><tr><td><a href=\"/\">Home</a></td><td class=\"text\">" + string.Concat(Enumerable.Repeat(paragraph, 4))
            + "</td></tr></table></body></html>";

        var result = Extractor.Extract(page, new Uri("https://site.example/post"));

        Assert.Equal(ExtractionOutcome.Ok, result.Outcome);
        Assert.StartsWith("<p>A paragraph of the article", result.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<td", result.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void DeepNestingIsExtractedWithoutRecursion()
    {
        var html = string.Concat(Enumerable.Repeat("<div>", 1_500))
            + "<p>Deep text, with commas, that is still the article of this odd page, and enough words to count.</p>";

        // The budget is generous: this test is about recursion, and the parser is quadratic in nesting depth.
        var result = Extractor.Extract(html, null, new ExtractionOptions { TimeBudget = TimeSpan.FromSeconds(10) });

        Assert.Equal("Deep text, with commas, that is still the article of this odd page, and enough words to count.", result.Text);
        Assert.Contains("Deep text", result.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void PathologicalNestingStopsAtTheTimeBudget()
    {
        var html = string.Concat(Enumerable.Repeat("<div>", 50_000)) + "<p>Unreachable text.</p>";
        var result = Extractor.Extract(html, null, new ExtractionOptions { TimeBudget = TimeSpan.FromMilliseconds(300) });

        Assert.Equal(ExtractionOutcome.Failed, result.Outcome);
        Assert.Contains("too complex", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void HugeTableIsBounded()
    {
        var html = new StringBuilder("<html><body><article><p>Intro paragraph, with commas, before a very large table of numbers.</p><table>");
        while (html.Length < 2_000_000)
        {
            html.Append("<tr><td>1234</td><td>5678</td><td>some cell text</td><td><a href=\"/x\">link</a></td></tr>");
        }

        html.Append("</table></article></body></html>");
        // 250 ms per 256 KB, at most doubled for a big page: half a second of parsing at most.
        var result = Extractor.Extract(html.ToString(), null, new ExtractionOptions { TimeBudget = TimeSpan.FromMilliseconds(250), IncludeHtml = false });

        if (result.Outcome == ExtractionOutcome.Failed)
        {
            Assert.Contains("too complex", result.FailureReason, StringComparison.Ordinal);
        }
        else
        {
            Assert.StartsWith("Intro paragraph", result.Text, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("<html><body></body></html>")]
    [InlineData("<html><body><nav><a href=/>Home</a></nav></body></html>")]
    public void PagesWithoutAnArticleFailWithAReason(string html)
    {
        var result = Extractor.Extract(html, null);

        Assert.Equal(ExtractionOutcome.Failed, result.Outcome);
        Assert.False(string.IsNullOrEmpty(result.FailureReason));
        Assert.Equal(string.Empty, result.Text);
    }
}
