using FeedHub.Core.Readability;

namespace FeedHub.Core.Tests.Readability;

/// <summary>The parse's own hooks stop it past its deadline: elements it creates, and parse errors where it creates none.</summary>
public sealed class BudgetedParserTests
{
    [Fact]
    public void AParseCreatingElementsStopsPastItsDeadline()
    {
        var page = string.Concat(Enumerable.Repeat("<div>", 1_000));

        Assert.Null(new BudgetedParser().Parse(page.AsMemory(), TimeSpan.Zero));
    }

    /// <summary>End tags that close nothing walk the stack of open elements and create nothing: each is a parse error.</summary>
    [Fact]
    public void AParseThatOnlyErrsStopsPastItsDeadlineToo()
    {
        var page = "<p>text" + string.Concat(Enumerable.Repeat("</x>", 1_000));

        Assert.Null(new BudgetedParser().Parse(page.AsMemory(), TimeSpan.Zero));
    }

    [Fact]
    public void AParseWithinItsBudgetGivesTheDocumentAndTheParserServesTheNext()
    {
        var parser = new BudgetedParser();
        Assert.Null(parser.Parse(string.Concat(Enumerable.Repeat("<div>", 1_000)).AsMemory(), TimeSpan.Zero));

        using var document = parser.Parse("<html lang=\"de\"><head><link rel=\"author\" href=\"/me\"></head><body><p>text</p></body></html>".AsMemory(), TimeSpan.FromMinutes(1));

        Assert.NotNull(document);
        Assert.Equal("<p>text</p>", document.Body!.InnerHtml);
        // A link keeps its rel (a byline is looked for there) but not its href, which nothing reads.
        Assert.Equal("author", document.Head!.QuerySelector("link")!.GetAttribute("rel"));
        Assert.False(document.Head!.QuerySelector("link")!.HasAttribute("href"));
    }
}
