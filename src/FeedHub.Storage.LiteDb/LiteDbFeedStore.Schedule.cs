using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using LiteDB;

namespace FeedHub.Storage.LiteDb;

public sealed partial class LiteDbFeedStore
{
    public Task<IReadOnlyList<SourceSchedule>> ListSourceSchedulesAsync(CancellationToken cancellationToken) => Read(() =>
    {
        // Only the three fields are read out of each document, not whole sources.
        var schedules = _database.GetCollection("sources").Query()
            .OrderBy("_id")
            .Select("{ Id: $._id, State: $.State, NextPollAt: $.Fetch.NextPollAt }")
            .ToEnumerable()
            .Select(row => new SourceSchedule(
                row["Id"].AsInt64,
                Enum.Parse<SourceState>(row["State"].AsString),
                row["NextPollAt"].IsDateTime ? new DateTimeOffset(DateTime.SpecifyKind(row["NextPollAt"].AsDateTime, DateTimeKind.Utc)) : null))
            .ToList();
        return Task.FromResult<IReadOnlyList<SourceSchedule>>(schedules);
    });
}
