using FeedHub.Core.Search;
using FeedHub.Core.Storage;
using FeedHub.Storage.Postgres;
using Npgsql;

namespace FeedHub.Storage.Tests;

public sealed partial class PostgresFeedStoreTests
{
    [Fact]
    public async Task The_databases_language_mapping_is_the_one_of_core()
    {
        string?[] tags = [null, "", " ", "xx", "ja", "zh-Hant", "EN", "en-US", "fr_CA", " de ", .. SearchLanguagesTags];

        foreach (var tag in tags)
        {
            await using var dataSource = Npgsql.NpgsqlDataSource.Create(ConnectionString);
            await using var command = dataSource.CreateCommand("SELECT feedhub_search_config(@tag)::text");
            command.Parameters.Add(new Npgsql.NpgsqlParameter<string?>("tag", tag));
            Assert.Equal(SearchLanguages.For(tag), (string?)await command.ExecuteScalarAsync());
        }
    }

    /// <summary>
    /// An Arabic article stored before Arabic had its rules (indexed with the simple ones, as the trigger of 0007 made
    /// it) is indexed again by migration 0026: a search without the attached article (مكتبة) finds المكتبة.
    /// </summary>
    [Fact]
    public async Task An_article_stored_before_its_language_had_rules_is_indexed_again_with_them()
    {
        var source = await Store.AddSourceAsync(NewSource("https://cairo.example/feed"), default);
        var article = NewArticle(source.Id, "id:1");
        (article.Title, article.Content, article.Language) = ("رحلة", "<p>ذهبنا إلى المكتبة في القاهرة</p>", "ar");
        await Store.SaveArticlesAsync([article], [], default);
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using (var before0026 = dataSource.CreateCommand(
            """
            UPDATE articles SET search_config = 'simple', search_document = to_tsvector('simple', title || ' ' || content);
            DELETE FROM schema_migrations WHERE version = 26;
            """))
        {
            await before0026.ExecuteNonQueryAsync();
        }

        Assert.Empty(await Store.ListArticlesAsync(new ArticleQuery { Search = ArabicSearch() }, default));

        Assert.Contains(26, await SchemaMigrations.ApplyAsync(dataSource, default));

        Assert.Equal([article.Id], (await Store.ListArticlesAsync(new ArticleQuery { Search = ArabicSearch() }, default)).Select(a => a.Id));
    }

    private static SearchQuery ArabicSearch() => SearchQuery.TryParse("مكتبة", out var query, out _) ? query : throw new InvalidOperationException();

    [Theory]
    [InlineData("'said' <-> 'time'", "'said + time'", true)]
    [InlineData("'red' <-> 'appl' <-> 'pie'", "'red + appl' & 'appl + pie'", false)]
    [InlineData("'said' <2> 'time' <-> 'up'", "'time + up'", false)]
    [InlineData("'red' <-> 'appl' & !'dessert' & 'pie'", "'red + appl'", false)]
    [InlineData("'it''s' <-> 'o''neil'", "'it''s + o''neil'", true)]
    [InlineData("'said' <2> 'time'", null, false)]
    [InlineData("'said' & 'time'", null, false)]
    [InlineData("'red' <-> 'appl' | 'pear'", null, false)]
    [InlineData("!( 'red' <-> 'appl' )", null, false)]
    [InlineData("( 'red' <-> 'appl' | 'pear' ) & 'kiwi'", null, false)]
    public void A_forms_phrases_are_asked_of_the_word_pairs_index_as_their_adjacent_pairs(string form, string? pairs, bool exact)
    {
        var asked = PostgresFeedStore.SearchForms.PairsOf(form);

        Assert.Equal(pairs, asked?.Query);
        Assert.Equal(exact, asked?.Exact ?? false);
    }

    [Theory]
    [InlineData("'peopl' & 'encourag'", new[] { "'peopl'", "'encourag'" })]
    [InlineData("'red' <-> 'appl' & !'dessert'", new[] { "'red'", "'appl'" })]
    [InlineData("'pie' & !( 'red' <-> 'appl' | 'pear' )", new[] { "'pie'" })]
    [InlineData("'it''s' & 'supe':* & 'cat':A", new[] { "'it''s'", "'supe':*", "'cat':A" })]
    [InlineData("'red' | 'pear'", null)]
    [InlineData("( 'red' | 'pear' ) & 'kiwi'", null)]
    [InlineData("!'red'", null)]
    public void The_words_every_match_of_a_form_holds_bound_how_many_articles_it_can_match(string form, string[]? required)
    {
        Assert.Equal(required, PostgresFeedStore.SearchForms.RequiredWordsOf(form));
    }

    [Fact]
    public void A_phrase_left_one_word_in_a_language_asks_the_words_index_there_and_the_pairs_index_elsewhere()
    {
        // "archived from" in English is 'archiv' ("from" is a stop word); in German it stays a phrase.
        var forms = PostgresFeedStore.SearchForms.Of([("english", "language english", "'archiv'"), ("german", "language german", "'archived' <-> 'from'")], pairsIndexed: true)!;
        using var command = new Npgsql.NpgsqlCommand();

        var condition = forms.IndexCondition(command);

        Assert.False(forms.HasPairs);
        Assert.Equal("(feedhub_search_pairs(search_document, search_config) @@ @search_pairs::tsquery OR feedhub_search_marked(search_document, search_config) @@ @search_marked::tsquery)", condition);
        Assert.Equal("( ( 'archived + from' ) & ( 'language german' ) )", command.Parameters["search_pairs"].Value);
        Assert.Equal("( ( 'archiv' ) & ( 'language english' ) )", command.Parameters["search_marked"].Value);
    }

    [Fact]
    public async Task Words_sharing_a_position_each_make_a_pair_with_the_words_one_position_on()
    {
        // Past 16,383 words every word is put at 16,383: which of them comes first must not decide the pairs.
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(ConnectionString);
        await using var command = dataSource.CreateCommand(
            "SELECT feedhub_search_pairs('a:1 b:2 c:2 d:3 e:5'::tsvector, 'simple')::text");

        Assert.Equal("'a + b' 'a + c' 'b + d' 'c + d' 'language simple'", (string?)await command.ExecuteScalarAsync());
    }

    [Fact]
    public void Highlights_ask_for_stretches_around_the_first_words_that_begin_like_a_searched_word()
    {
        Assert.True(SearchQuery.TryParse("Häuser \"e-mail\" -garten", out var query, out _));
        var filler = string.Join(' ', Enumerable.Repeat("lorem", 40));
        var text = $"{filler} Das HAUS steht. {filler} Eine E-Mail. {filler} Ein Haus.";

        var prefixes = PostgresFeedStore.SearchedPrefixes(query);
        var stretches = PostgresFeedStore.Stretches(text, prefixes);

        Assert.Equal(["hau", "e", "mai"], prefixes);
        Assert.Equal(2, stretches.Count);
        Assert.Equal($"{string.Join(' ', Enumerable.Repeat("lorem", 14))} Das HAUS steht. {string.Join(' ', Enumerable.Repeat("lorem", 19))}", text.Substring(stretches[0].Start, stretches[0].Length));
        Assert.Contains("Eine E-Mail.", text.Substring(stretches[1].Start, stretches[1].Length), StringComparison.Ordinal);
        Assert.Empty(PostgresFeedStore.Stretches("Nothing like it here.", prefixes));
    }

    [Fact]
    public async Task A_form_that_begins_otherwise_than_the_searched_word_is_highlighted_from_the_whole_text()
    {
        // "dying" is a form of "die" in PostgreSQL's English stemmer; "diet", which begins like it, is not.
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var article = NewArticle(source.Id, "id:dying");
        article.Language = "en";
        article.ExtractedText = $"A diet of bread. {string.Join(' ', Enumerable.Repeat("Filler words here.", 20))} The old oak was dying slowly.";
        await Store.SaveArticlesAsync([article], [], default);
        Assert.True(SearchQuery.TryParse("die", out var query, out _));
        var found = await Store.ListArticlesAsync(new ArticleQuery { Search = query }, default);

        var highlight = (await Store.HighlightAsync(query, found, default))[article.Id];

        Assert.Equal([article.Id], found.Select(a => a.Id));
        Assert.Equal(["dying"], highlight.MatchedWords);
        Assert.Contains("was <mark>dying</mark> slowly.", Assert.Single(highlight.Fragments), StringComparison.Ordinal);
    }

    private static readonly string[] SearchLanguagesTags =
        ["en", "fr", "de", "es", "it", "pt", "nl", "sv", "da", "no", "nb", "nn", "fi", "ru", "hu", "ro", "tr", "ar", "el", "ca", "eu", "ga", "hi", "hy", "id", "in", "he", "fa"];
}
