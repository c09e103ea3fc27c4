using System.Net;
using System.Text;
using FeedHub.Core.Parser;
using FeedHub.Core.Readability;
using FeedHub.Core.Sanitizer;
using FeedHub.Core.Tests.Sanitizer;
using FeedHub.Tests.Support;

namespace FeedHub.Core.Tests.Security;

/// <summary>
/// The XSS corpus of the security suite (<see cref="HtmlContentSanitizerTests.HostileHtml"/>) carried the ways a
/// feed or a page carries HTML (RSS CDATA, escaped Atom content, an article page to extract), read and cleaned as
/// ingest does: nothing active survives anywhere. One row of the README's security table per way in.
/// </summary>
public sealed class XssCorpusTests
{
    private static readonly HtmlContentSanitizer Sanitizer = new();

    [Fact]
    public void No_vector_survives_any_way_in()
    {
        var vectors = ((IEnumerable<object[]>)HtmlContentSanitizerTests.HostileHtml).Select(row => (string)row[0]).ToList();
        var reader = new FeedReader();
        var ways = new (string Way, Func<string, string> Clean)[]
        {
            ("an RSS description (CDATA)", vector =>
            {
                var item = reader.Read(Encoding.UTF8.GetBytes($"<rss version=\"2.0\"><channel><title>x</title><item><title>v</title><description><![CDATA[<p>before</p>{vector}]]></description></item></channel></rss>")).Items.Single();
                return Sanitizer.Sanitize(item.Summary ?? item.Content, "https://site.example/post");
            }),
            ("an Atom entry's escaped HTML content", vector =>
            {
                var item = reader.Read(Encoding.UTF8.GetBytes($"<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>x</title><entry><title>v</title><id>urn:v</id><content type=\"html\">{WebUtility.HtmlEncode("<p>before</p>" + vector)}</content></entry></feed>")).Items.Single();
                return Sanitizer.Sanitize(item.Content ?? item.Summary, "https://site.example/post");
            }),
            ("an article page, extracted", vector => ArticleExtractor.Shared.Extract(
                $"<html><body><article><p>A paragraph of the article, long enough, with commas, clauses, and enough words to be kept.</p>{vector}<p>Another paragraph of the article, long enough, with commas, clauses, and words to be kept.</p></article></body></html>",
                new Uri("https://site.example/post")).Html),
        };

        var survivors = new List<string>();
        foreach (var (way, clean) in ways)
        {
            var inert = vectors.Count(vector =>
            {
                var ok = HtmlContentSanitizerTests.IsInert(clean(vector));
                if (!ok)
                {
                    survivors.Add($"{way}: {vector}");
                }

                return ok;
            });
            SecurityTable.Row("XSS", $"{vectors.Count} vectors in {way}", vectors.Count, inert, inert == vectors.Count ? "no script, event handler, javascript: URL or active element left" : $"{vectors.Count - inert} survived");
        }

        Assert.True(survivors.Count == 0, string.Join("\n", survivors));
    }
}
