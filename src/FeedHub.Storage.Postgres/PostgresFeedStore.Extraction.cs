using FeedHub.Core.Storage;
using Npgsql;

namespace FeedHub.Storage.Postgres;

public sealed partial class PostgresFeedStore
{
    /// <remarks>Read through the partial index <c>articles_pending_pages</c>, which holds only the pending articles.</remarks>
    public async Task<IReadOnlyList<PendingPage>> ListPendingPagesAsync(long afterId, int limit, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            """
            SELECT id, link FROM articles
            WHERE extraction = 'Pending' AND id > @after_id AND link IS NOT NULL
            ORDER BY id LIMIT @limit
            """);
        command.Parameters.Add(new NpgsqlParameter<long>("after_id", afterId));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", Math.Max(1, limit)));
        var pending = new List<PendingPage>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            pending.Add(new PendingPage(reader.GetInt64(0), reader.GetString(1)));
        }

        return pending;
    }
}
