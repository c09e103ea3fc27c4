using FeedHub.Core.Curation;
using FeedHub.Core.Model;
using FeedHub.Core.Polling;
using FeedHub.Core.Storage;
using Npgsql;
using NpgsqlTypes;

namespace FeedHub.Storage.Postgres;

/// <summary>The source columns (settings and fetch state flattened) and the SQL that writes them, listed once.</summary>
internal static class SourceColumns
{
    private const string NextPollAt = "next_poll_at";

    /// <summary>Every column but the id, in table order; also the order <see cref="Read"/> expects after the id.</summary>
    private static readonly SourceColumn[] Data =
    [
        new("feed_url", NpgsqlDbType.Text, s => s.FeedUrl),
        new("feed_url_identity", NpgsqlDbType.Text, SourceAddress.IdentityOf),
        new("site_url", NpgsqlDbType.Text, s => s.SiteUrl),
        new("title", NpgsqlDbType.Text, s => s.Title),
        new("display_name", NpgsqlDbType.Text, s => s.DisplayName),
        new("categories", NpgsqlDbType.Array | NpgsqlDbType.Text, s => s.Categories.ToArray()),
        new("state", NpgsqlDbType.Text, s => s.State.ToString()),
        new("extraction", NpgsqlDbType.Text, s => s.Extraction.ToString()),
        new("extraction_selector", NpgsqlDbType.Text, s => s.ExtractionSelector),
        new("min_interval", NpgsqlDbType.Interval, s => s.MinInterval),
        new("max_interval", NpgsqlDbType.Interval, s => s.MaxInterval),
        new("created_at", NpgsqlDbType.TimestampTz, s => Timestamps.ToStored(s.CreatedAt)),
        new("etag", NpgsqlDbType.Text, s => s.Fetch.ETag, Fetch: true),
        new("last_modified", NpgsqlDbType.Text, s => s.Fetch.LastModified, Fetch: true),
        new("last_attempt_at", NpgsqlDbType.TimestampTz, s => Timestamps.ToStored(s.Fetch.LastAttemptAt), Fetch: true),
        new("last_success_at", NpgsqlDbType.TimestampTz, s => Timestamps.ToStored(s.Fetch.LastSuccessAt), Fetch: true),
        new("last_new_item_at", NpgsqlDbType.TimestampTz, s => Timestamps.ToStored(s.Fetch.LastNewItemAt), Fetch: true),
        new(NextPollAt, NpgsqlDbType.TimestampTz, s => Timestamps.ToStored(s.Fetch.NextPollAt), Fetch: true),
        new("last_status_code", NpgsqlDbType.Integer, s => s.Fetch.LastStatusCode, Fetch: true),
        new("last_error", NpgsqlDbType.Text, s => s.Fetch.LastError, Fetch: true),
        new("last_error_kind", NpgsqlDbType.Text, s => s.Fetch.LastErrorKind?.ToString(), Fetch: true),
        new("last_error_at", NpgsqlDbType.TimestampTz, s => Timestamps.ToStored(s.Fetch.LastErrorAt), Fetch: true),
        new("consecutive_failures", NpgsqlDbType.Integer, s => s.Fetch.ConsecutiveFailures, Fetch: true),
        new("poll_count", NpgsqlDbType.Bigint, s => s.Fetch.PollCount, Fetch: true),
        new("not_modified_count", NpgsqlDbType.Bigint, s => s.Fetch.NotModifiedCount, Fetch: true),
        new("error_count", NpgsqlDbType.Bigint, s => s.Fetch.ErrorCount, Fetch: true),
        new("bytes_received", NpgsqlDbType.Bigint, s => s.Fetch.BytesReceived, Fetch: true),
        new("bytes_saved", NpgsqlDbType.Bigint, s => s.Fetch.BytesSaved, Fetch: true),
        new("last_body_size", NpgsqlDbType.Bigint, s => s.Fetch.LastBodySize, Fetch: true),
        new("pending_redirect_url", NpgsqlDbType.Text, s => s.Fetch.PendingRedirectUrl, Fetch: true),
        new("pending_redirect_count", NpgsqlDbType.Integer, s => s.Fetch.PendingRedirectCount, Fetch: true),
        new("moved_from", NpgsqlDbType.Text, s => s.Fetch.MovedFrom, Fetch: true),
        new("moved_at", NpgsqlDbType.TimestampTz, s => Timestamps.ToStored(s.Fetch.MovedAt), Fetch: true),
        new("parse_warning", NpgsqlDbType.Text, s => s.Fetch.ParseWarning, Fetch: true),
        new("import_batch", NpgsqlDbType.Bigint, s => s.ImportBatch),
        new("last_item_count", NpgsqlDbType.Integer, s => s.Fetch.LastItemCount, Fetch: true),
        new("latest_post_at", NpgsqlDbType.TimestampTz, s => Timestamps.ToStored(s.Fetch.LatestPostAt), Fetch: true),
        new("usual_post_interval", NpgsqlDbType.Interval, s => s.Fetch.UsualPostInterval, Fetch: true),
        new("publisher_interval", NpgsqlDbType.Interval, s => s.Fetch.PublisherInterval, Fetch: true),
        new("duplicate_of", NpgsqlDbType.Bigint, s => s.DuplicateOf),

        // Derived from the rest at every write, for listing (migration 0011); never read back.
        new("health", NpgsqlDbType.Text, s => SourceHealthRules.Judge(s).Status.ToString(), Derived: true),
        new("health_rank", NpgsqlDbType.Smallint, s => (short)SourceHealthRules.Judge(s).Status, Derived: true),
        new("name_key", NpgsqlDbType.Text, SourceKeys.NameKey, Derived: true),
        new("search_text", NpgsqlDbType.Text, SourceKeys.SearchText, Derived: true),
        new("category_keys", NpgsqlDbType.Array | NpgsqlDbType.Text, SourceKeys.CategoryKeys, Derived: true),
    ];

    /// <summary>The columns to select for <see cref="Read"/>.</summary>
    public static readonly string SelectList = "id, " + string.Join(", ", Data.Where(c => !c.Derived).Select(c => c.Name));

    /// <summary>Writes the derived columns of one source (a row written before they existed); parameters by <see cref="AddParameters"/>.</summary>
    public static readonly string UpdateDerivedSql = $"""
        UPDATE sources SET {string.Join(", ", Data.Where(c => c.Derived).Select(c => $"{c.Name} = @{c.Name}"))}
        WHERE id = @id
        """;

    /// <summary>Inserts a new source unless one is at its address (migration 0021's unique index): then no row is returned.</summary>
    public static readonly string InsertSql = $"""
        INSERT INTO sources ({string.Join(", ", Data.Select(c => c.Name))})
        VALUES ({string.Join(", ", Data.Select(c => "@" + c.Name))})
        ON CONFLICT (feed_url_identity) DO NOTHING
        RETURNING id
        """;

    /// <summary>
    /// A table of this transaction's only, with the columns <see cref="InsertSql"/> writes and each row's place in the
    /// list (<c>place</c>), for many new sources copied in at once (<see cref="WriteStagedAsync"/>).
    /// </summary>
    public static readonly string StageSql
        = $"CREATE TEMPORARY TABLE staged_sources ON COMMIT DROP AS SELECT 0 AS place, {string.Join(", ", Data.Select(c => c.Name))} FROM sources WITH NO DATA";

    public static readonly string CopyStagedSql = $"COPY staged_sources (place, {string.Join(", ", Data.Select(c => c.Name))}) FROM STDIN (FORMAT BINARY)";

    /// <summary>
    /// Inserts the staged sources in the order of the list, each unless a source is at its address (one stored before,
    /// or one inserted just before from the list): the rows inserted are returned by their address.
    /// </summary>
    public static readonly string InsertStagedSql = $"""
        INSERT INTO sources ({string.Join(", ", Data.Select(c => c.Name))})
        SELECT {string.Join(", ", Data.Select(c => c.Name))} FROM staged_sources ORDER BY place
        ON CONFLICT (feed_url_identity) DO NOTHING
        RETURNING id, feed_url_identity
        """;

    /// <summary>Writes one row of <see cref="CopyStagedSql"/>.</summary>
    public static async Task WriteStagedAsync(NpgsqlBinaryImporter copy, int place, Source source, CancellationToken cancellationToken)
    {
        await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
        await copy.WriteAsync(place, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
        foreach (var column in Data)
        {
            if (column.Value(source) is { } value)
            {
                await copy.WriteAsync(value, column.Type, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await copy.WriteNullAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public static readonly string UpdateSql = $"""
        UPDATE sources SET {string.Join(", ", Data.Select(c => $"{c.Name} = @{c.Name}"))}
        WHERE id = @id
        """;

    /// <summary>
    /// Saves a poll that learned nothing but fetch state, in one statement that reads nothing first: the fetch columns,
    /// and the health judged from them. Health also depends on the source's state, which a curator may change while the
    /// poll runs, so the health for each state is sent (<see cref="AddFetchParameters"/>) and the row's own state picks
    /// one. Readers see no fetch state, so the store version stays, and so do the columns a curator edits. Nothing is
    /// written when the source has left the address polled (<c>PollResult.PolledUrl</c>). The next poll time a refresh
    /// stored while the poll ran stays (<c>PollResult.NextPollAtOver</c>, the same rule on the row as it stands).
    /// </summary>
    public static readonly string UpdateFetchSql = $"""
        UPDATE sources SET {string.Join(", ", Data.Where(c => c.Fetch).Select(c => c.Name == NextPollAt
            ? $"{c.Name} = CASE WHEN {c.Name} > @due_at AND {c.Name} < @{c.Name} THEN {c.Name} ELSE @{c.Name} END"
            : $"{c.Name} = @{c.Name}"))},
            health = CASE state {string.Join(" ", Enum.GetValues<SourceState>().Select(s => $"WHEN '{s}' THEN @health_{ParameterOf(s)}"))} END,
            health_rank = CASE state {string.Join(" ", Enum.GetValues<SourceState>().Select(s => $"WHEN '{s}' THEN @health_rank_{ParameterOf(s)}"))} END
        WHERE id = @id AND (@polled_url IS NULL OR feed_url = @polled_url)
        """;

    /// <summary>Inserts a source with the id it brings, or replaces the one already there (a copy from another store).</summary>
    public static readonly string ImportSql = $"""
        INSERT INTO sources (id, {string.Join(", ", Data.Select(c => c.Name))})
        VALUES (@id, {string.Join(", ", Data.Select(c => "@" + c.Name))})
        ON CONFLICT (id) DO UPDATE SET {string.Join(", ", Data.Select(c => $"{c.Name} = excluded.{c.Name}"))}
        """;

    public static void AddParameters(NpgsqlParameterCollection parameters, Source source, bool withId)
    {
        if (withId)
        {
            parameters.Add(new NpgsqlParameter<long>("id", source.Id));
        }

        foreach (var column in Data)
        {
            parameters.Add(new NpgsqlParameter(column.Name, column.Type) { Value = column.Value(source) ?? DBNull.Value });
        }
    }

    /// <summary>The parameters of <see cref="UpdateFetchSql"/>, for a poll that has fetch state.</summary>
    public static void AddFetchParameters(NpgsqlParameterCollection parameters, PollResult poll)
    {
        foreach (var (name, type, value) in FetchValuesOf(poll))
        {
            parameters.Add(new NpgsqlParameter(name, type) { Value = value ?? DBNull.Value });
        }
    }

    /// <summary>
    /// <see cref="UpdateFetchSql"/> for many polls in one statement, each leaving a source whose stored fetch state is
    /// not older (counts as many polls or more: a later poll's, saved meanwhile) as it is. Each parameter of a single
    /// poll's is an array here, one element per poll (<see cref="AddFetchArrayParameters"/>), and the rows are those
    /// arrays side by side: a batch of quiet polls is one statement, where it was one per poll.
    /// </summary>
    public static readonly string UpdateFetchFromArraysSql = $"""
        UPDATE sources AS s SET {string.Join(", ", Data.Where(c => c.Fetch).Select(c => c.Name == NextPollAt
            ? $"{c.Name} = CASE WHEN s.{c.Name} > u.due_at AND s.{c.Name} < u.{c.Name} THEN s.{c.Name} ELSE u.{c.Name} END"
            : $"{c.Name} = u.{c.Name}"))},
            health = CASE s.state {string.Join(" ", Enum.GetValues<SourceState>().Select(s => $"WHEN '{s}' THEN u.health_{ParameterOf(s)}"))} END,
            health_rank = CASE s.state {string.Join(" ", Enum.GetValues<SourceState>().Select(s => $"WHEN '{s}' THEN u.health_rank_{ParameterOf(s)}"))} END
        FROM unnest({string.Join(", ", FetchValuesOf(new PollResult(0) { Fetch = new() }).Select(p => "@" + p.Name))})
            AS u({string.Join(", ", FetchValuesOf(new PollResult(0) { Fetch = new() }).Select(p => p.Name))})
        WHERE s.id = u.id AND (u.polled_url IS NULL OR s.feed_url = u.polled_url) AND s.poll_count < u.poll_count
        """;

    /// <summary>The parameters of <see cref="UpdateFetchFromArraysSql"/>: those of <see cref="AddFetchParameters"/>, an array each.</summary>
    public static void AddFetchArrayParameters(NpgsqlParameterCollection parameters, IReadOnlyCollection<PollResult> polls)
    {
        var rows = polls.Select(poll => FetchValuesOf(poll).ToList()).ToList();
        for (var i = 0; i < rows[0].Count; i++)
        {
            var (name, type, _) = rows[0][i];
            var values = Array.CreateInstance(ElementTypeOf(type), rows.Count);
            for (var row = 0; row < rows.Count; row++)
            {
                values.SetValue(rows[row][i].Value, row);
            }

            parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | type) { Value = values });
        }
    }

    /// <summary>A poll's values of <see cref="UpdateFetchSql"/>'s parameters, in the order of <see cref="UpdateFetchFromArraysSql"/>'s rows.</summary>
    private static IEnumerable<(string Name, NpgsqlDbType Type, object? Value)> FetchValuesOf(PollResult poll)
    {
        yield return ("id", NpgsqlDbType.Bigint, poll.SourceId);
        yield return ("polled_url", NpgsqlDbType.Text, poll.PolledUrl);
        yield return ("due_at", NpgsqlDbType.TimestampTz, Timestamps.ToStored(poll.DueAt));
        var source = new Source { Id = poll.SourceId, FeedUrl = string.Empty, Fetch = poll.Fetch! };
        foreach (var column in Data.Where(c => c.Fetch))
        {
            yield return (column.Name, column.Type, column.Value(source));
        }

        // SourceHealthRules judges a source by its state and fetch state alone.
        var judged = Enum.GetValues<SourceState>().Select(state =>
        {
            source.State = state;
            return (State: state, SourceHealthRules.Judge(source).Status);
        }).ToList();
        foreach (var (state, health) in judged)
        {
            yield return ("health_" + ParameterOf(state), NpgsqlDbType.Text, health.ToString());
        }

        foreach (var (state, health) in judged)
        {
            yield return ("health_rank_" + ParameterOf(state), NpgsqlDbType.Smallint, (short)health);
        }
    }

    /// <summary>The element type of an array of a column's values, nulls allowed.</summary>
    private static Type ElementTypeOf(NpgsqlDbType type) => type switch
    {
        NpgsqlDbType.Text => typeof(string),
        NpgsqlDbType.TimestampTz => typeof(DateTimeOffset?),
        NpgsqlDbType.Integer => typeof(int?),
        NpgsqlDbType.Bigint => typeof(long?),
        NpgsqlDbType.Smallint => typeof(short?),
        NpgsqlDbType.Interval => typeof(TimeSpan?),
        _ => throw new NotSupportedException($"No array of {type} values for a batch of fetch states"),
    };

    private static string ParameterOf(SourceState state) => state.ToString().ToLowerInvariant();

    /// <summary>The columns to select for <see cref="ReadOutline"/>: none of the fetch state.</summary>
    public const string OutlineSelectList
        = "id, feed_url, site_url, title, display_name, categories, state, extraction, extraction_selector, min_interval, max_interval";

    /// <summary>Reads a row selected with <see cref="OutlineSelectList"/>.</summary>
    public static SourceOutline ReadOutline(NpgsqlDataReader row) => new(
        row.GetInt64(0),
        row.GetString(1),
        Rows.Text(row, 2),
        Rows.Text(row, 3),
        Rows.Text(row, 4),
        row.GetFieldValue<string[]>(5),
        Enum.Parse<SourceState>(row.GetString(6)),
        Enum.Parse<ExtractionMode>(row.GetString(7)),
        Rows.Text(row, 8),
        Rows.Value<TimeSpan>(row, 9),
        Rows.Value<TimeSpan>(row, 10));

    /// <summary>Reads a row selected with <see cref="SelectList"/>.</summary>
    public static Source Read(NpgsqlDataReader row)
    {
        var ordinal = 0;
        var id = row.GetInt64(ordinal++);
        var feedUrl = row.GetString(ordinal++);
        ordinal++; // feed_url_identity is derived (SourceAddress.IdentityOf)
        var source = new Source
        {
            Id = id,
            FeedUrl = feedUrl,
            SiteUrl = Rows.Text(row, ordinal++),
            Title = Rows.Text(row, ordinal++),
            DisplayName = Rows.Text(row, ordinal++),
            Categories = [.. row.GetFieldValue<string[]>(ordinal++)],
            State = Enum.Parse<SourceState>(row.GetString(ordinal++)),
            Extraction = Enum.Parse<ExtractionMode>(row.GetString(ordinal++)),
            ExtractionSelector = Rows.Text(row, ordinal++),
            MinInterval = Rows.Value<TimeSpan>(row, ordinal++),
            MaxInterval = Rows.Value<TimeSpan>(row, ordinal++),
            CreatedAt = row.GetFieldValue<DateTimeOffset>(ordinal++),
            Fetch = new FetchState
            {
                ETag = Rows.Text(row, ordinal++),
                LastModified = Rows.Text(row, ordinal++),
                LastAttemptAt = Rows.Value<DateTimeOffset>(row, ordinal++),
                LastSuccessAt = Rows.Value<DateTimeOffset>(row, ordinal++),
                LastNewItemAt = Rows.Value<DateTimeOffset>(row, ordinal++),
                NextPollAt = Rows.Value<DateTimeOffset>(row, ordinal++),
                LastStatusCode = Rows.Value<int>(row, ordinal++),
                LastError = Rows.Text(row, ordinal++),
                LastErrorKind = Rows.Enum<FetchErrorKind>(row, ordinal++),
                LastErrorAt = Rows.Value<DateTimeOffset>(row, ordinal++),
                ConsecutiveFailures = row.GetInt32(ordinal++),
                PollCount = row.GetInt64(ordinal++),
                NotModifiedCount = row.GetInt64(ordinal++),
                ErrorCount = row.GetInt64(ordinal++),
                BytesReceived = row.GetInt64(ordinal++),
                BytesSaved = row.GetInt64(ordinal++),
                LastBodySize = row.GetInt64(ordinal++),
                PendingRedirectUrl = Rows.Text(row, ordinal++),
                PendingRedirectCount = row.GetInt32(ordinal++),
                MovedFrom = Rows.Text(row, ordinal++),
                MovedAt = Rows.Value<DateTimeOffset>(row, ordinal++),
                ParseWarning = Rows.Text(row, ordinal++),
            },
            ImportBatch = Rows.Value<long>(row, ordinal++),
        };
        source.Fetch.LastItemCount = Rows.Value<int>(row, ordinal++);
        source.Fetch.LatestPostAt = Rows.Value<DateTimeOffset>(row, ordinal++);
        source.Fetch.UsualPostInterval = Rows.Value<TimeSpan>(row, ordinal++);
        source.Fetch.PublisherInterval = Rows.Value<TimeSpan>(row, ordinal++);
        source.DuplicateOf = Rows.Value<long>(row, ordinal);
        return source;
    }

    /// <param name="Derived">Computed from the other columns at every write; never read back.</param>
    /// <param name="Fetch">Part of the fetch state, which a poll writes (<see cref="UpdateFetchSql"/>).</param>
    private sealed record SourceColumn(string Name, NpgsqlDbType Type, Func<Source, object?> Value, bool Derived = false, bool Fetch = false);
}
