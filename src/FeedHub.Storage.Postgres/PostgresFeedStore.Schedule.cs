using FeedHub.Core.Model;
using FeedHub.Core.Storage;

namespace FeedHub.Storage.Postgres;

public sealed partial class PostgresFeedStore
{
    public async Task<IReadOnlyList<SourceSchedule>> ListSourceSchedulesAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT id, state, next_poll_at FROM sources ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var schedules = new List<SourceSchedule>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            schedules.Add(new SourceSchedule(reader.GetInt64(0), Enum.Parse<SourceState>(reader.GetString(1)), Rows.Value<DateTimeOffset>(reader, 2)));
        }

        return schedules;
    }
}
