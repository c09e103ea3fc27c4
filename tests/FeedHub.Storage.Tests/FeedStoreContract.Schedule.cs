using FeedHub.Core.Model;
using FeedHub.Core.Storage;

namespace FeedHub.Storage.Tests;

public abstract partial class FeedStoreContract
{
    [Fact]
    public async Task The_schedule_of_every_source_is_listed_by_id_with_its_state_and_next_poll()
    {
        var due = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var paused = await Store.AddSourceAsync(NewSource("https://b.example/feed"), default);
        await ChangeAsync(paused.Id, stored => (stored.State, stored.Fetch.NextPollAt) = (SourceState.Paused, T0.AddMinutes(90)));
        var retired = await Store.AddSourceAsync(NewSource("https://c.example/feed"), default);
        await ChangeAsync(retired.Id, stored => (stored.State, stored.Fetch.NextPollAt) = (SourceState.Retired, null));

        Store = await ReopenAsync(Store);
        var schedules = await Store.ListSourceSchedulesAsync(default);

        Assert.Equal(
            [new SourceSchedule(due.Id, SourceState.Active, T0), new SourceSchedule(paused.Id, SourceState.Paused, T0.AddMinutes(90)), new SourceSchedule(retired.Id, SourceState.Retired, null)],
            schedules);
        Assert.All(schedules.Where(s => s.NextPollAt is not null), s => Assert.Equal(TimeSpan.Zero, s.NextPollAt!.Value.Offset));
    }
}
