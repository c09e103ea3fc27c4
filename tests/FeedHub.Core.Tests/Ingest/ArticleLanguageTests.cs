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

    [Theory]
    [InlineData("The cat sat on the mat, and it was happy with the view of the garden.", "en")]
    [InlineData("« Le chat » est dans la maison, et les enfants sont avec lui pour la journée.", "fr")]
    [InlineData("Der Hund ist nicht im Haus, und die Kinder spielen mit dem Ball auf der Straße.", "de")]
    [InlineData("El perro está en la casa y los niños juegan con el gato en el jardín.", "es")]
    [InlineData("Het huis is groot en de tuin van de buren is niet mooi, maar dat is goed.", "nl")]
    public void A_Latin_script_text_is_told_by_its_most_common_words(string text, string language)
        => Assert.Equal(language, ArticleLanguage.Detect(text));

    [Fact]
    public void Common_words_count_in_any_case_and_between_punctuation()
        => Assert.Equal("en", ArticleLanguage.Detect("THE\tquick (AND) brown\u00A0\"of\" fox: \u201Cthe\u201D dog; it... WAS!"));

    [Fact]
    public void A_Latin_script_text_without_common_words_is_not_guessed()
        => Assert.Null(ArticleLanguage.Detect("Lorem ipsum dolor sit amet consectetur adipiscing elit sed eiusmod tempor."));

    [Fact]
    public void Only_the_first_two_thousand_words_are_read()
    {
        var unknown = string.Concat(Enumerable.Repeat("lorem ipsum dolor sit amet ", 400));
        var english = string.Concat(Enumerable.Repeat("the cat and the dog ", 400));

        Assert.Null(ArticleLanguage.Detect(unknown + english));
        Assert.Equal("en", ArticleLanguage.Detect(english + unknown));
    }
}
