using Npgsql;

namespace FeedHub.Storage.Tests;

/// <summary>The search words a save of new articles computes itself, and when the search trigger makes them again (migration 0018).</summary>
public sealed partial class PostgresFeedStoreTests
{
    [Fact]
    public async Task The_search_words_a_save_computes_are_those_the_search_trigger_makes()
    {
        var named = NewSource("https://a.example/feed");
        named.DisplayName = "Quillwort Weekly";
        named.Title = "The Fernhouse Blog";
        named = await Store.AddSourceAsync(named, default);
        var unnamed = await Store.AddSourceAsync(NewSource("https://b.example/feed"), default);
        var english = NewArticle(named.Id, "id:en");
        english.Author = "Ottoline Brackenridge";
        english.Content = "<p>Café <b>tortoises</b>&nbsp;racing &amp; <i>hares</i></p>";
        english.Language = "en-GB";
        var extracted = NewArticle(named.Id, "id:extracted", T0.AddMinutes(1));
        extracted.Summary = "<p>A short teaser.</p>";
        extracted.ExtractedText = "  The whole story of the observatories.  ";
        extracted.Language = "fr";
        var summaryOnly = NewArticle(unnamed.Id, "id:summary", T0.AddMinutes(2));
        summaryOnly.Summary = "<p>Only a summary, running.</p>";
        // Articles are kept when their source is removed: one may be written with no source to name.
        var sourceless = NewArticle(unnamed.Id + 1000, "id:sourceless", T0.AddMinutes(3));
        sourceless.Content = "<p>Nobody's words.</p>";
        await Store.SaveArticlesAsync([english, extracted, summaryOnly, sourceless], [], default);
        var saved = await SearchColumnsAsync();

        await ScalarAsync<object?>("UPDATE articles SET search_document = NULL");

        Assert.Equal(4, saved.Count);
        Assert.Contains("'quillwort'", saved[english.Id], StringComparison.Ordinal);
        Assert.StartsWith("english ", saved[english.Id], StringComparison.Ordinal);
        Assert.Equal(await SearchColumnsAsync(), saved);
    }

    [Fact]
    public async Task An_update_remakes_the_search_words_only_when_their_text_changes()
    {
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var article = NewArticle(source.Id, "id:1");
        article.Content = "<p>Lighthouse keepers.</p>";
        article.Language = "en";
        await Store.SaveArticlesAsync([article], [], default);
        // A stand-in the trigger would replace, were it to run.
        await ScalarAsync<object?>("UPDATE articles SET search_document = 'untouched'::tsvector");

        article.ContentHash = "hash-2";
        article.WordCount = 2;
        await Store.SaveArticlesAsync([], [article], default);
        Assert.Equal("english 'untouched'", (await SearchColumnsAsync())[article.Id]);

        article.Language = "fr";
        await Store.SaveArticlesAsync([], [article], default);
        var french = (await SearchColumnsAsync())[article.Id];
        Assert.StartsWith("french ", french, StringComparison.Ordinal);
        Assert.DoesNotContain("untouched", french, StringComparison.Ordinal);

        await ScalarAsync<object?>("UPDATE articles SET search_document = 'untouched'::tsvector");
        article.ExtractedText = "Phares et gardiens.";
        await Store.SaveArticlesAsync([], [article], default);
        Assert.Contains("'phar'", (await SearchColumnsAsync())[article.Id], StringComparison.Ordinal);
    }

    /// <summary>Each article's search configuration and words, as text.</summary>
    private async Task<Dictionary<long, string>> SearchColumnsAsync()
    {
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using var command = dataSource.CreateCommand("SELECT id, search_config::text || ' ' || search_document::text FROM articles");
        var columns = new Dictionary<long, string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            columns[reader.GetInt64(0)] = reader.GetString(1);
        }

        return columns;
    }
}
