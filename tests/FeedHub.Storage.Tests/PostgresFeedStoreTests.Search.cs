using FeedHub.Core.Search;

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

    private static readonly string[] SearchLanguagesTags =
        ["en", "fr", "de", "es", "it", "pt", "nl", "sv", "da", "no", "nb", "nn", "fi", "ru", "hu", "ro", "tr"];
}
