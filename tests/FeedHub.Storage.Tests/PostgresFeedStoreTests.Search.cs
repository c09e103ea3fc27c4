using FeedHub.Core.Search;
using FeedHub.Storage.Postgres;

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

    private static readonly string[] SearchLanguagesTags =
        ["en", "fr", "de", "es", "it", "pt", "nl", "sv", "da", "no", "nb", "nn", "fi", "ru", "hu", "ro", "tr"];
}
