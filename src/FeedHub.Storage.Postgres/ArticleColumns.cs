using System.Text.Json;
using FeedHub.Core.Model;
using Npgsql;
using NpgsqlTypes;

namespace FeedHub.Storage.Postgres;

/// <summary>
/// The article columns as parallel arrays, so a whole batch goes to the server as one statement over
/// <c>unnest(...)</c>, and the SQL that writes them. The list of columns is written once, here.
/// </summary>
internal static class ArticleColumns
{
    private const string StoryKeysOfRow = "ARRAY(SELECT jsonb_array_elements_text(u.story_keys::jsonb))";

    /// <summary>Every column but the id, in table order; also the order <see cref="Read"/> expects after the id.</summary>
    private static readonly ArticleColumn[] Data =
    [
        new ArticleColumn<long>("source_id", NpgsqlDbType.Bigint, a => a.SourceId),
        new ArticleColumn<string>("key", NpgsqlDbType.Text, a => a.Key),
        new ArticleColumn<string?>("title", NpgsqlDbType.Text, a => a.Title),
        new ArticleColumn<string?>("link", NpgsqlDbType.Text, a => a.Link),
        new ArticleColumn<string?>("canonical_url", NpgsqlDbType.Text, a => a.CanonicalUrl),
        new ArticleColumn<string?>("author", NpgsqlDbType.Text, a => a.Author),
        new ArticleColumn<string?>("summary", NpgsqlDbType.Text, a => a.Summary),
        new ArticleColumn<string?>("content", NpgsqlDbType.Text, a => a.Content),
        new ArticleColumn<string?>("image_url", NpgsqlDbType.Text, a => a.ImageUrl),

        // unnest flattens nested arrays, so each row's tags travel as one JSON array.
        new ArticleColumn<string>("tags", NpgsqlDbType.Text, a => JsonSerializer.Serialize(a.Tags),
            "ARRAY(SELECT jsonb_array_elements_text(u.tags::jsonb))"),
        new ArticleColumn<DateTimeOffset?>("published", NpgsqlDbType.TimestampTz, a => Timestamps.ToStored(a.Published)),
        new ArticleColumn<DateTimeOffset?>("updated", NpgsqlDbType.TimestampTz, a => Timestamps.ToStored(a.Updated)),
        new ArticleColumn<DateTimeOffset>("first_seen_at", NpgsqlDbType.TimestampTz, a => Timestamps.ToStored(a.FirstSeenAt)),
        new ArticleColumn<DateTimeOffset>("changed_at", NpgsqlDbType.TimestampTz, a => Timestamps.ToStored(a.ChangedAt)),
        new ArticleColumn<DateTimeOffset>("sort_date", NpgsqlDbType.TimestampTz, a => Timestamps.ToStored(a.SortDate)),
        new ArticleColumn<string>("content_hash", NpgsqlDbType.Text, a => a.ContentHash),
        new ArticleColumn<string>("extraction", NpgsqlDbType.Text, a => a.Extraction.ToString()),
        new ArticleColumn<string?>("extraction_error", NpgsqlDbType.Text, a => a.ExtractionError),
        new ArticleColumn<string?>("extracted_html", NpgsqlDbType.Text, a => a.ExtractedHtml),
        new ArticleColumn<string?>("extracted_text", NpgsqlDbType.Text, a => a.ExtractedText),
        new ArticleColumn<int>("word_count", NpgsqlDbType.Integer, a => a.WordCount),
        new ArticleColumn<string?>("language", NpgsqlDbType.Text, a => a.Language),
        new ArticleColumn<string?>("excerpt", NpgsqlDbType.Text, a => a.Excerpt),
        new ArticleColumn<string>("story_keys", NpgsqlDbType.Text, a => JsonSerializer.Serialize(a.StoryKeys), StoryKeysOfRow),
        new ArticleColumn<long?>("duplicate_of", NpgsqlDbType.Bigint, a => a.DuplicateOf),
        new ArticleColumn<string?>("entry_id", NpgsqlDbType.Text, a => a.EntryId),
        new ArticleColumn<string?>("enclosures", NpgsqlDbType.Text, a => a.Enclosures.Count == 0 ? null : JsonSerializer.Serialize(a.Enclosures), "u.enclosures::jsonb"),
    ];

    /// <summary>Columns the store decides (the story an article joins, its minted id): updates from callers leave them as stored.</summary>
    private static readonly string[] StoreOwned = ["duplicate_of", "entry_id"];

    private static readonly ArticleColumn Id = new ArticleColumn<long>("id", NpgsqlDbType.Bigint, a => a.Id);

    private static readonly string[] KeptOnConflictingInsert = ["source_id", "key", "first_seen_at", .. StoreOwned];

    /// <summary>The columns to select for <see cref="Read"/>.</summary>
    public static readonly string SelectList = "id, " + string.Join(", ", Data.Select(c => c.Name));

    /// <summary>
    /// The search columns of a new article, from the row <c>u</c>: what the search trigger would compute (migration
    /// 0018), computed here so that no trigger runs for the row. The source's names come from a subquery, not a join,
    /// which would hand the rows to the insert in another order than given, and so number them otherwise.
    /// </summary>
    private static readonly (string Name, string Expression)[] Search =
    [
        ("search_config", "feedhub_search_config(u.language)"),
        ("search_document", """
            feedhub_search_words(feedhub_search_config(u.language), u.title, u.author,
                (SELECT concat_ws(' ', s.display_name, s.title) FROM sources AS s WHERE s.id = u.source_id), u.extracted_text, u.content, u.summary)
            """),
    ];

    /// <summary>
    /// Inserts new articles; one that another node stored meanwhile under the same key is updated instead and keeps
    /// its id and first-seen time. Returns (source_id, key, id) of every row.
    /// </summary>
    public static readonly string InsertSql = $"""
        INSERT INTO articles ({string.Join(", ", Data.Select(c => c.Name).Concat(Search.Select(c => c.Name)))})
        SELECT {string.Join(", ", Data.Select(c => c.SelectExpression).Concat(Search.Select(c => c.Expression)))}
        FROM unnest({string.Join(", ", Data.Select(c => "@" + c.Name))}) AS u({string.Join(", ", Data.Select(c => c.Name))})
        ON CONFLICT (source_id, md5(key)) DO UPDATE SET
            {string.Join(", ", Data.Select(c => c.Name).Where(c => !KeptOnConflictingInsert.Contains(c)).Concat(Search.Select(c => c.Name)).Select(c => $"{c} = excluded.{c}"))}
            WHERE articles.key = excluded.key
        RETURNING source_id, key, id
        """;

    /// <summary>Replaces stored articles, found by id, whole but for the columns the store owns.</summary>
    public static readonly string UpdateSql = $"""
        UPDATE articles AS a SET
            {string.Join(", ", Data.Where(c => !StoreOwned.Contains(c.Name)).Select(c => $"{c.Name} = {c.SelectExpression}"))}
        FROM unnest(@id, {string.Join(", ", Data.Select(c => "@" + c.Name))}) AS u(id, {string.Join(", ", Data.Select(c => c.Name))})
        WHERE a.id = u.id
        """;

    /// <summary>Inserts articles with the ids they bring, or replaces the ones already there (a copy from another store).</summary>
    public static readonly string ImportSql = $"""
        INSERT INTO articles (id, {string.Join(", ", Data.Select(c => c.Name))})
        SELECT u.id, {string.Join(", ", Data.Select(c => c.SelectExpression))}
        FROM unnest(@id, {string.Join(", ", Data.Select(c => "@" + c.Name))}) AS u(id, {string.Join(", ", Data.Select(c => c.Name))})
        ON CONFLICT (id) DO UPDATE SET
            {string.Join(", ", Data.Select(c => $"{c.Name} = excluded.{c.Name}"))}
        """;

    public static void AddParameters(NpgsqlParameterCollection parameters, IReadOnlyList<Article> articles, bool withIds)
    {
        if (withIds)
        {
            parameters.Add(Id.ToArrayParameter(articles));
        }

        foreach (var column in Data)
        {
            parameters.Add(column.ToArrayParameter(articles));
        }
    }

    /// <summary>Reads a row selected with <see cref="SelectList"/>.</summary>
    public static Article Read(NpgsqlDataReader row)
    {
        var ordinal = 0;
        return new Article
        {
            Id = row.GetInt64(ordinal++),
            SourceId = row.GetInt64(ordinal++),
            Key = row.GetString(ordinal++),
            Title = Rows.Text(row, ordinal++),
            Link = Rows.Text(row, ordinal++),
            CanonicalUrl = Rows.Text(row, ordinal++),
            Author = Rows.Text(row, ordinal++),
            Summary = Rows.Text(row, ordinal++),
            Content = Rows.Text(row, ordinal++),
            ImageUrl = Rows.Text(row, ordinal++),
            Tags = [.. row.GetFieldValue<string[]>(ordinal++)],
            Published = Rows.Value<DateTimeOffset>(row, ordinal++),
            Updated = Rows.Value<DateTimeOffset>(row, ordinal++),
            FirstSeenAt = row.GetFieldValue<DateTimeOffset>(ordinal++),
            ChangedAt = row.GetFieldValue<DateTimeOffset>(ordinal++),
            SortDate = row.GetFieldValue<DateTimeOffset>(ordinal++),
            ContentHash = row.GetString(ordinal++),
            Extraction = Enum.Parse<ExtractionState>(row.GetString(ordinal++)),
            ExtractionError = Rows.Text(row, ordinal++),
            ExtractedHtml = Rows.Text(row, ordinal++),
            ExtractedText = Rows.Text(row, ordinal++),
            WordCount = row.GetInt32(ordinal++),
            Language = Rows.Text(row, ordinal++),
            Excerpt = Rows.Text(row, ordinal++),
            StoryKeys = [.. row.GetFieldValue<string[]>(ordinal++)],
            DuplicateOf = Rows.Value<long>(row, ordinal++),
            EntryId = Rows.Text(row, ordinal++),
            Enclosures = Rows.Text(row, ordinal) is { } enclosures ? JsonSerializer.Deserialize<List<Enclosure>>(enclosures) ?? [] : [],
        };
    }

    private abstract class ArticleColumn(string name, string? selectExpression)
    {
        public string Name { get; } = name;

        /// <summary>How the value is read from the unnested row <c>u</c>.</summary>
        public string SelectExpression { get; } = selectExpression ?? "u." + name;

        public abstract NpgsqlParameter ToArrayParameter(IReadOnlyList<Article> articles);
    }

    private sealed class ArticleColumn<T>(string name, NpgsqlDbType type, Func<Article, T> value, string? selectExpression = null)
        : ArticleColumn(name, selectExpression)
    {
        public override NpgsqlParameter ToArrayParameter(IReadOnlyList<Article> articles)
        {
            var values = new T[articles.Count];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = value(articles[i]);
            }

            return new NpgsqlParameter<T[]>(Name, values) { NpgsqlDbType = NpgsqlDbType.Array | type };
        }
    }
}
