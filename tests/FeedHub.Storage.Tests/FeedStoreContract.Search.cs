using FeedHub.Core.Model;
using FeedHub.Core.Search;
using FeedHub.Core.Storage;

namespace FeedHub.Storage.Tests;

/// <summary>Full-text search: what both engines find, in the river's order, through updates, removals and crashes.</summary>
public abstract partial class FeedStoreContract
{
    /// <summary>
    /// Stops the store the way a crash would (no orderly close) and opens what it left on disk. Stores that write
    /// everything in one transaction have nothing to lose, and simply reopen.
    /// </summary>
    protected virtual Task<IFeedStore> CrashAndReopenAsync(IFeedStore store) => ReopenAsync(store);

    [Theory]
    [InlineData("en", "She runs along the river every morning.", "running")]
    [InlineData("en-GB", "Two ponies were grazing in the field.", "pony")]
    [InlineData("fr", "La maison bleue est adossée à la colline.", "maisons")]
    [InlineData("fr-CA", "Les chevaux dorment dans l'écurie.", "cheval")]
    [InlineData("de", "Das Haus am See steht leer.", "Häuser")]
    [InlineData("de-DE", "Die Kinder spielen im Garten.", "Kind")]
    [InlineData("ar", "ذهبنا إلى المكتبة في القاهرة", "مكتبة")]
    [InlineData("ar-EG", "قرأنا الكتاب في المكتبة", "كتاب")]
    [InlineData(null, "Zebra crossings are painted white.", "zebra")]
    public async Task Search_finds_stemmed_forms_in_the_articles_language(string? language, string text, string query)
    {
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var match = SearchArticle(source.Id, "id:match", T0, text, language);
        var other = SearchArticle(source.Id, "id:other", T0.AddHours(1), "Nothing to see in this one.", language);
        await Store.SaveArticlesAsync([match, other], [], default);

        Assert.Equal([match.Id], await SearchIdsAsync(query));
    }

    [Fact]
    public async Task Search_reads_the_title_author_source_names_and_extracted_or_feed_text()
    {
        var source = NewSource("https://a.example/feed");
        source.DisplayName = "Quillwort Weekly";
        source.Title = "The Fernhouse Blog";
        source = await Store.AddSourceAsync(source, default);
        var titled = SearchArticle(source.Id, "id:title", T0, "plain words", "en");
        titled.Title = "Marmalade season";
        var authored = SearchArticle(source.Id, "id:author", T0.AddMinutes(1), "plain words", "en");
        authored.Author = "Ottoline Brackenridge";
        var extracted = SearchArticle(source.Id, "id:extracted", T0.AddMinutes(2), "feed summary only", "en");
        extracted.ExtractedText = "The extracted page talks about a harpsichord.";
        var html = SearchArticle(source.Id, "id:html", T0.AddMinutes(3), "", "en");
        html.Content = "<p>Café <b>tortoise</b>&nbsp;race &amp; <i>hare</i></p>";
        await Store.SaveArticlesAsync([titled, authored, extracted, html], [], default);

        Assert.Equal([titled.Id], await SearchIdsAsync("marmalade"));
        Assert.Equal([authored.Id], await SearchIdsAsync("brackenridge"));
        Assert.Equal([html.Id, extracted.Id, authored.Id, titled.Id], await SearchIdsAsync("quillwort"));
        Assert.Equal([html.Id, extracted.Id, authored.Id, titled.Id], await SearchIdsAsync("fernhouse"));
        Assert.Equal([extracted.Id], await SearchIdsAsync("harpsichord"));
        Assert.Empty(await SearchIdsAsync("summary"));
        Assert.Equal([html.Id], await SearchIdsAsync("tortoise race"));
        Assert.Equal([html.Id], await SearchIdsAsync("café"));
        Assert.Equal([html.Id], await SearchIdsAsync("\"race hare\""));
    }

    [Fact]
    public async Task Phrases_minus_words_and_or_behave_as_in_web_search()
    {
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var redApple = SearchArticle(source.Id, "id:1", T0, "I ate a red apple with a banana.", "en");
        var appleRed = SearchArticle(source.Id, "id:2", T0.AddMinutes(1), "The apple was red and ripe.", "en");
        var pear = SearchArticle(source.Id, "id:3", T0.AddMinutes(2), "A pear, not an apple.", "en");
        var frenchApple = SearchArticle(source.Id, "id:4", T0.AddMinutes(3), "Une pomme rouge, apple en anglais, et une cerise.", "fr");
        await Store.SaveArticlesAsync([redApple, appleRed, pear, frenchApple], [], default);

        Assert.Equal([redApple.Id], await SearchIdsAsync("\"red apple\""));
        Assert.Equal([frenchApple.Id, pear.Id, appleRed.Id, redApple.Id], await SearchIdsAsync("apple"));
        Assert.Equal([frenchApple.Id, pear.Id, appleRed.Id], await SearchIdsAsync("apple -banana"));
        Assert.Equal([frenchApple.Id, pear.Id], await SearchIdsAsync("apple -banana -\"red and ripe\""));
        Assert.Equal([pear.Id, appleRed.Id], await SearchIdsAsync("ripe OR pear"));
        Assert.Equal([pear.Id, appleRed.Id, redApple.Id], await SearchIdsAsync("apples -cerise"));
        Assert.Empty(await SearchIdsAsync("apple kiwi"));
    }

    [Fact]
    public async Task A_phrase_matches_its_words_side_by_side_in_order_and_in_the_articles_language()
    {
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var adjacent = SearchArticle(source.Id, "id:adjacent", T0, "He said time was short.", "en");
        var apart = SearchArticle(source.Id, "id:apart", T0.AddMinutes(1), "Time, he said, was short.", "en");
        var stopWord = SearchArticle(source.Id, "id:stop-word", T0.AddMinutes(2), "He said the time was up.", "en");
        var pie = SearchArticle(source.Id, "id:pie", T0.AddMinutes(3), "A red apple pie for dessert.", "en");
        var pairsApart = SearchArticle(source.Id, "id:pairs-apart", T0.AddMinutes(4), "A red apple, then an apple pie.", "en");
        var mail = SearchArticle(source.Id, "id:mail", T0.AddMinutes(5), "Send an e-mail message today.", "en");
        var shoes = SearchArticle(source.Id, "id:shoes", T0.AddMinutes(6), "New running shoes.", "en");
        var frenchShoes = SearchArticle(source.Id, "id:fr-shoes", T0.AddMinutes(7), "Des running shoes neuves.", "fr");
        // In French "running shoes" is 'running sho': an article of another language with those very words is not a match.
        var otherShoes = SearchArticle(source.Id, "id:other-shoes", T0.AddMinutes(8), "running sho", null);
        await Store.SaveArticlesAsync([adjacent, apart, stopWord, pie, pairsApart, mail, shoes, frenchShoes, otherShoes], [], default);

        Assert.Equal([adjacent.Id], await SearchIdsAsync("\"said time\""));
        Assert.Equal([adjacent.Id], await SearchIdsAsync("\"said times\""));
        Assert.Equal([stopWord.Id], await SearchIdsAsync("\"said the time\""));
        Assert.Equal([pie.Id], await SearchIdsAsync("\"red apple pie\""));
        Assert.Equal([pairsApart.Id, pie.Id], await SearchIdsAsync("\"red apple\" \"apple pie\""));
        Assert.Equal([pairsApart.Id], await SearchIdsAsync("\"red apple\" -dessert"));
        Assert.Equal([pie.Id], await SearchIdsAsync("\"apple pie\" dessert"));
        Assert.Equal([pie.Id, adjacent.Id], await SearchIdsAsync("\"said time\" OR \"red apple pie\""));
        Assert.Equal([mail.Id], await SearchIdsAsync("\"e-mail message\""));
        Assert.Equal([frenchShoes.Id, shoes.Id], await SearchIdsAsync("\"running shoes\""));
        Assert.Empty(await SearchIdsAsync("\"time said\""));
    }

    [Fact]
    public async Task Search_results_page_exactly_in_river_order_with_the_source_filter()
    {
        var a = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var b = await Store.AddSourceAsync(NewSource("https://b.example/feed"), default);
        var articles = Enumerable.Range(0, 60)
            .Select(i => SearchArticle(i % 3 == 0 ? b.Id : a.Id, $"id:{i}", T0.AddDays(-(i / 4) * 3),
                i % 2 == 0 ? $"Number {i} is about gardening." : $"Number {i} is about cooking.", "en"))
            .ToList();
        await Store.SaveArticlesAsync(articles, [], default);

        var expected = articles.Where(x => x.SourceId == a.Id && x.Content!.Contains("gardening", StringComparison.Ordinal))
            .OrderByDescending(x => x.SortDate).ThenByDescending(x => x.Id).Select(x => x.Id).ToList();
        var seen = new List<long>();
        ArticleCursor? cursor = null;
        while (true)
        {
            var page = await Store.ListArticlesAsync(new ArticleQuery { Search = Parse("gardens"), SourceIds = [a.Id], Before = cursor, Limit = 4 }, default);
            if (page.Count == 0)
            {
                break;
            }

            seen.AddRange(page.Select(x => x.Id));
            cursor = ArticleCursor.Of(page[^1]);
        }

        Assert.Equal(20, expected.Count);
        Assert.Equal(expected, seen);
        Assert.Empty(await Store.ListArticlesAsync(new ArticleQuery { Search = Parse("gardening"), SourceIds = [] }, default));
        Assert.Equal(60, (await Store.ListArticlesAsync(new ArticleQuery { Search = Parse("number"), SourceIds = [a.Id, b.Id, a.Id], Limit = 100 }, default)).Count);
        Assert.Equal(20, (await Store.ListArticlesAsync(new ArticleQuery { Search = Parse("number"), SourceIds = [b.Id], Limit = 100 }, default)).Count);
    }

    [Fact]
    public async Task Search_pages_stay_in_river_order_past_the_newest_thousand_articles()
    {
        // Enough articles that a common word's pages come from the newest rows while a rare word's, and the last
        // pages of the common one, come from the index: both must give the river's order, page after page.
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var articles = Enumerable.Range(0, 1500)
            .Select(i => SearchArticle(source.Id, $"id:{i}", T0.AddMinutes(-i),
                (i % 5 == 0 ? "A lantern in the window. " : "") + (i is 3 or 1401 or 1497 ? "A zeppelin overhead. " : "") + $"Plain words number {i}.", "en"))
            .ToList();
        await Store.SaveArticlesAsync(articles, [], default);

        foreach (var (query, word, pageSize) in new[] { ("lanterns", "lantern", 50), ("zeppelin", "zeppelin", 2) })
        {
            var expected = articles.Where(a => a.Content!.Contains(word, StringComparison.Ordinal))
                .OrderByDescending(a => a.SortDate).ThenByDescending(a => a.Id).Select(a => a.Id).ToList();
            var seen = new List<long>();
            ArticleCursor? cursor = null;
            while (await Store.ListArticlesAsync(new ArticleQuery { Search = Parse(query), Before = cursor, Limit = pageSize }, default) is { Count: > 0 } page)
            {
                seen.AddRange(page.Select(a => a.Id));
                cursor = ArticleCursor.Of(page[^1]);
            }

            Assert.Equal(expected, seen);
        }
    }

    [Fact]
    public async Task A_search_left_with_only_exclusions_in_a_language_matches_nothing_there()
    {
        // "the" is a stop word in English: what is left of "the -dog" there would be every article without "dog".
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var cat = SearchArticle(source.Id, "id:1", T0, "The cat sat on the mat.", "en");
        await Store.SaveArticlesAsync([cat], [], default);

        Assert.Empty(await SearchIdsAsync("the -dog"));
        Assert.Equal([cat.Id], await SearchIdsAsync("cat -dog"));
    }

    [Fact]
    public async Task Each_article_matches_the_querys_form_in_its_own_language_only()
    {
        // "running" is 'run' in English but stays 'running' in French, where "runs" is 'run': the English form must not
        // find the French article that only has "runs".
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var english = SearchArticle(source.Id, "id:en", T0, "She runs every day.", "en");
        var french = SearchArticle(source.Id, "id:fr", T0.AddHours(1), "Le running est à la mode.", "fr");
        var frenchRuns = SearchArticle(source.Id, "id:fr-runs", T0.AddHours(2), "Il runs vite.", "fr");
        await Store.SaveArticlesAsync([english, french, frenchRuns], [], default);

        Assert.Equal([french.Id, english.Id], await SearchIdsAsync("running"));
        Assert.Equal([english.Id], await SearchIdsAsync("running -mode"));
    }

    [Fact]
    public async Task Updates_and_removals_are_reflected_at_once()
    {
        var kept = await Store.AddSourceAsync(NewSource("https://kept.example/feed"), default);
        var removed = await Store.AddSourceAsync(NewSource("https://removed.example/feed"), default);
        var partial = SearchArticle(kept.Id, "id:partial", T0, "A short teaser.", "en");
        var orphan = SearchArticle(kept.Id, "id:orphan", T0.AddMinutes(1), "Lighthouse keepers.", "en");
        var gone = SearchArticle(removed.Id, "id:gone", T0.AddMinutes(2), "Lighthouse keepers too.", "en");
        await Store.SaveArticlesAsync([partial, orphan, gone], [], default);
        Assert.Equal([partial.Id], await SearchIdsAsync("teaser"));

        // Extraction completes later and brings the article's real text.
        partial.ExtractedText = "The whole story of the observatory.";
        partial.Content = "<p>A reworded summary.</p>";
        await Store.SaveArticlesAsync([], [partial], default);
        Assert.Equal([partial.Id], await SearchIdsAsync("observatory"));
        Assert.Empty(await SearchIdsAsync("teaser"));

        await ChangeAsync(kept.Id, stored => stored.DisplayName = "Pelican Gazette");
        Assert.Equal([orphan.Id, partial.Id], await SearchIdsAsync("pelican"));

        await Store.RemoveSourceAsync(removed.Id, keepArticles: false, default);
        Assert.Equal([orphan.Id], await SearchIdsAsync("lighthouse"));
        await Store.RemoveSourceAsync(kept.Id, keepArticles: true, default);
        Assert.Equal([orphan.Id], await SearchIdsAsync("lighthouse"));
    }

    [Fact]
    public async Task The_index_catches_up_after_a_crash()
    {
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var early = SearchArticle(source.Id, "id:early", T0, "An albatross over the sea.", "en");
        await Store.SaveArticlesAsync([early], [], default);
        Store = await ReopenAsync(Store);
        var late = SearchArticle(source.Id, "id:late", T0.AddHours(1), "Another albatross, and a puffin.", "en");
        var doomed = await Store.AddSourceAsync(NewSource("https://doomed.example/feed"), default);
        var doomedArticle = SearchArticle(doomed.Id, "id:doomed", T0.AddHours(2), "An albatross that will vanish.", "en");
        await Store.SaveArticlesAsync([late, doomedArticle], [], default);
        early.ExtractedText = "An albatross over the sea, and a cormorant.";
        await Store.SaveArticlesAsync([], [early], default);
        await Store.RemoveSourceAsync(doomed.Id, keepArticles: false, default);
        Assert.Equal([late.Id, early.Id], await SearchIdsAsync("albatross"));

        Store = await CrashAndReopenAsync(Store);

        Assert.Equal([late.Id, early.Id], await SearchIdsAsync("albatross"));
        Assert.Equal([late.Id], await SearchIdsAsync("puffins"));
        Assert.Equal([early.Id], await SearchIdsAsync("cormorant"));
        var after = SearchArticle(source.Id, "id:after", T0.AddHours(3), "A third albatross.", "en");
        await Store.SaveArticlesAsync([after], [], default);
        Assert.Equal([after.Id, late.Id, early.Id], await SearchIdsAsync("albatross"));
    }

    [Fact]
    public async Task Highlights_mark_the_matching_words_in_html_safe_excerpts()
    {
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var article = SearchArticle(source.Id, "id:1", T0, "", "en");
        article.ExtractedText = string.Join(' ', Enumerable.Repeat("Filler words here.", 40))
            + " At dawn she runs to the harbour & back, \"as 2 < 3 > 1\". " + string.Join(' ', Enumerable.Repeat("More filler.", 40));
        var untitled = SearchArticle(source.Id, "id:2", T0.AddMinutes(1), "", "en");
        untitled.Title = "Running late";
        await Store.SaveArticlesAsync([article, untitled], [], default);
        var query = Parse("running harbours");
        var found = await Store.ListArticlesAsync(new ArticleQuery { Search = query }, default);

        var highlights = await Store.HighlightAsync(query, found, default);

        Assert.Equal([article.Id], found.Select(a => a.Id));
        var highlight = highlights[article.Id];
        var fragment = Assert.Single(highlight.Fragments, f => f.Contains("<mark>", StringComparison.Ordinal));
        Assert.Contains("<mark>runs</mark>", fragment, StringComparison.Ordinal);
        Assert.Contains("<mark>harbour</mark>", fragment, StringComparison.Ordinal);
        Assert.Equal(["runs", "harbour"], highlight.MatchedWords);
        Assert.Contains("&amp; back, &quot;as 2 &lt; 3 &gt; 1&quot;", fragment, StringComparison.Ordinal);
        var none = await Store.HighlightAsync(Parse("running"), [untitled], default);
        Assert.Empty(none[untitled.Id].MatchedWords);
    }

    private async Task<List<long>> SearchIdsAsync(string text)
        => (await Store.ListArticlesAsync(new ArticleQuery { Search = Parse(text), Limit = 100 }, default)).Select(a => a.Id).ToList();

    private static SearchQuery Parse(string text)
        => SearchQuery.TryParse(text, out var query, out var problem) ? query : throw new ArgumentException(problem, nameof(text));

    private static Article SearchArticle(long sourceId, string key, DateTimeOffset published, string text, string? language)
    {
        var article = NewArticle(sourceId, key, published);
        article.Title = null;
        article.Content = text.Length == 0 ? null : "<p>" + System.Net.WebUtility.HtmlEncode(text) + "</p>";
        article.Language = language;
        return article;
    }
}
