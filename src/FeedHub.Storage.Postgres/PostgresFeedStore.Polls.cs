using FeedHub.Core.Model;
using FeedHub.Core.Polling;
using FeedHub.Core.Storage;
using Npgsql;

namespace FeedHub.Storage.Postgres;

public sealed partial class PostgresFeedStore
{
    public async Task<IReadOnlyList<KnownArticle>> GetKnownArticlesAsync(long sourceId, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        if (keys.Count == 0)
        {
            return [];
        }

        // The digest condition lets the unique (source_id, md5(key)) index find the rows; the key condition is exact.
        await using var command = _writes.CreateCommand(
            """
            SELECT id, key, content_hash FROM articles
            WHERE source_id = @source_id
              AND md5(key) = ANY (ARRAY(SELECT md5(k) FROM unnest(@keys) AS k))
              AND key = ANY (@keys)
            """);
        command.Parameters.Add(new NpgsqlParameter<long>("source_id", sourceId));
        command.Parameters.Add(new NpgsqlParameter<string[]>("keys", [.. keys]));
        var known = new List<KnownArticle>(keys.Count);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            known.Add(new KnownArticle(reader.GetInt64(0), reader.GetString(1), reader.GetString(2)));
        }

        return known;
    }

    public async Task SavePollAsync(PollResult poll, CancellationToken cancellationToken)
    {
        if (poll is { Fetch: not null, Feed: null, MovedTo: null, Gone: false })
        {
            // Most polls (every 304): one statement, which writes only the poll's columns, so it needs no lock.
            await using var update = _writes.CreateCommand(SourceColumns.UpdateFetchSql);
            SourceColumns.AddFetchParameters(update.Parameters, poll);
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        // Applied to the row as it stands, held until the commit: a curator's change that committed meanwhile is
        // kept (a move to another address too: then nothing is saved), and one that comes later waits for this one.
        try
        {
            await ChangeStoredSourceAsync(_writes, poll.SourceId, stored => Apply(poll, stored, duplicateOf: null), cancellationToken).ConfigureAwait(false);
        }
        catch (FeedAddressTakenException taken) when (poll.MovedTo is not null)
        {
            // The feed now redirects to another source's address: the two would poll one feed.
            await ChangeStoredSourceAsync(_writes, poll.SourceId, stored => Apply(poll, stored, taken.Holder.Id), cancellationToken).ConfigureAwait(false);
        }

        _versions.Wrote();
    }

    public async Task SaveFetchStatesAsync(IReadOnlyCollection<PollResult> polls, CancellationToken cancellationToken)
    {
        if (polls.Count == 0)
        {
            return;
        }

        // One statement for the whole batch, its rows given as arrays (an update per poll was a statement of its own,
        // executed apart even within one round-trip).
        await using var update = _writes.CreateCommand(SourceColumns.UpdateFetchFromArraysSql);
        SourceColumns.AddFetchArrayParameters(update.Parameters, polls);
        await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Applies the poll to the source as stored, if the poll is about it, and makes it a duplicate when told to.</summary>
    private static bool Apply(PollResult poll, Source stored, long? duplicateOf)
    {
        if (!poll.IsAbout(stored))
        {
            return false;
        }

        poll.ApplyTo(stored);
        if (duplicateOf is { } original)
        {
            SourceAddress.MarkDuplicate(stored, original);
        }

        return true;
    }
}
