using FeedHub.Core.Ingest;
using FeedHub.Core.Model;

namespace FeedHub.Core.Tests.Ingest;

public sealed class ArticleLanguageTests
{
    [Theory]
    [InlineData("en-us", "en-US")]
    [InlineData("en_US", "en-US")]
    [InlineData(" FR ", "fr")]
    [InlineData("he-IL", "he-IL")]
    [InlineData("zh-hant-tw", "zh-Hant-TW")]
    [InlineData("sr-latn", "sr-Latn")]
    [InlineData("es-419", "es-419")]
    public void Declared_languages_are_written_as_BCP_47_tags(string declared, string expected)
        => Assert.Equal(expected, ArticleLanguage.Normalize(declared));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("English")]
    [InlineData("x")]
    [InlineData("en--US")]
    [InlineData("fr\" onmouseover=\"alert(1)")]
    [InlineData("de-DE-aVeryLongSubtag")]
    public void What_is_not_a_language_tag_is_no_language(string? declared)
        => Assert.Null(ArticleLanguage.Normalize(declared));

    [Theory]
    [InlineData("he", true)]
    [InlineData("he-IL", true)]
    [InlineData("ar", true)]
    [InlineData("fa-IR", true)]
    [InlineData("fr", false)]
    [InlineData(null, false)]
    public void Hebrew_Arabic_and_Persian_run_right_to_left(string? language, bool rightToLeft)
        => Assert.Equal(rightToLeft, ArticleLanguage.IsRightToLeft(language));

    [Fact]
    public void An_undeclared_language_is_guessed_from_the_text_once_no_page_is_coming()
    {
        var article = new Article { Key = "k", ContentHash = "h", Content = "<p>שלום עולם, זהו מאמר בעברית על חדשות היום.</p>", Extraction = ExtractionState.Pending };

        ArticleLanguage.DetectWhenUndeclared(article);
        Assert.Null(article.Language);

        article.Extraction = ExtractionState.NotNeeded;
        ArticleLanguage.DetectWhenUndeclared(article);
        Assert.Equal("he", article.Language);
    }

    [Fact]
    public void A_known_language_is_never_replaced_by_a_guess()
    {
        var article = new Article { Key = "k", ContentHash = "h", Content = "<p>The text is English.</p>", Language = "fr" };

        ArticleLanguage.DetectWhenUndeclared(article);

        Assert.Equal("fr", article.Language);
    }
}
