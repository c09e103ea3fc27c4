using FeedHub.Core.Polling;

namespace FeedHub.Core.Tests.Polling;

public sealed class IngestGateTests
{
    [Fact]
    public async Task No_more_polls_than_its_width_ingest_at_once_and_the_next_goes_in_when_one_ends()
    {
        using var gate = new IngestGate(2);
        var first = await gate.EnterAsync(CancellationToken.None);
        var second = await gate.EnterAsync(CancellationToken.None);

        var third = gate.EnterAsync(CancellationToken.None).AsTask();
        Assert.False(third.IsCompleted);

        first.Dispose();
        using var turn = await third.WaitAsync(TimeSpan.FromSeconds(30));
        var fourth = gate.EnterAsync(CancellationToken.None).AsTask();
        Assert.False(fourth.IsCompleted);

        second.Dispose();
        (await fourth.WaitAsync(TimeSpan.FromSeconds(30))).Dispose();
    }

    [Fact]
    public async Task A_poll_cancelled_while_waiting_takes_no_turn()
    {
        using var gate = new IngestGate(1);
        var held = await gate.EnterAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var waiting = gate.EnterAsync(cancel.Token).AsTask();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        held.Dispose();
        (await gate.EnterAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(30))).Dispose();
    }

    [Fact]
    public void The_default_width_is_a_few_turns_per_core()
    {
        using var gate = new IngestGate();
        var turns = Enumerable.Range(0, 2 * Environment.ProcessorCount).Select(_ => gate.EnterAsync(CancellationToken.None).AsTask()).ToList();

        Assert.All(turns, turn => Assert.True(turn.IsCompletedSuccessfully));
        Assert.False(gate.EnterAsync(CancellationToken.None).AsTask().IsCompleted);
    }
}
