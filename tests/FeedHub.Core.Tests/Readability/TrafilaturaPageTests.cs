using System.Text.Json;
using System.Text.RegularExpressions;
using FeedHub.Core.Readability;

namespace FeedHub.Core.Tests.Readability;

/// <summary>Real pages of trafilatura's evaluation set, scored the way trafilatura scores them (see Fixtures/extraction/README.md).</summary>
public sealed partial class TrafilaturaPageTests
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    private static readonly Dictionary<string, Annotation> Snippets =
        JsonSerializer.Deserialize<Dictionary<string, Annotation>>(Fixtures.Read("trafilatura/snippets.json"), Json)!;

    [Theory]
    [InlineData("st-georg.de-olympia")]
    [InlineData("lastampa.it.temperature")]
    [InlineData("diaadia.com.pa-ulpiano")]
    [InlineData("tennismagazin.de-viertelfinale")]
    [InlineData("mpimet.de.klimasystem")]
    [InlineData("nhk.or.jp.k100")]
    public void ArticlePassagesAreKeptAndBoilerplateIsLeftOut(string page)
    {
        var text = Collapse(ArticleExtractor.Shared.Extract(Fixtures.Read($"trafilatura/{page}.html"), null).Text);
        var annotation = Snippets[page];

        Assert.All(annotation.With, passage => Assert.Contains(Collapse(passage), text, StringComparison.Ordinal));
        Assert.All(annotation.Without, passage => Assert.DoesNotContain(Collapse(passage), text, StringComparison.Ordinal));
    }

    /// <summary>trafilatura's normalisation: runs of white space become one space.</summary>
    private static string Collapse(string text) => WhiteSpace().Replace(text, " ").Trim();

    [GeneratedRegex(@"\s+", RegexOptions.NonBacktracking)]
    private static partial Regex WhiteSpace();

    private sealed record Annotation(string Url, string[] With, string[] Without);
}
