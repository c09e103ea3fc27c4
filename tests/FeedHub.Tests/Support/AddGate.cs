using System.Reflection;
using System.Runtime.ExceptionServices;
using FeedHub.Core.Model;
using FeedHub.Core.Storage;

namespace FeedHub.Tests.Support;

/// <summary>
/// Holds adds of sources at the store (one source's, or an import's many at once; and changes of sources, when
/// <paramref name="changesToo"/>) until <paramref name="expected"/> of them wait there, then lets them through together
/// (or, when <paramref name="opensWhenFull"/> is false, when the test <see cref="Open"/>s it): writes that passed every
/// check race for the store, or one waits there while the test does something first, whatever the timing.
/// </summary>
public sealed class AddGate(int expected, bool opensWhenFull = true, bool changesToo = false)
{
    internal bool Holds(string method)
        => method is nameof(IFeedStore.AddSourceAsync) or nameof(IFeedStore.AddSourcesAsync) || (changesToo && method == nameof(IFeedStore.ChangeSourceAsync));

    private readonly TaskCompletionSource _full = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrived;

    /// <summary>Done once <c>expected</c> adds wait at the gate.</summary>
    public Task Full => _full.Task.WaitAsync(TimeSpan.FromSeconds(60));

    public void Open() => _open.TrySetResult();

    /// <summary><paramref name="store"/>, with its adds held at this gate; every other call goes straight through.</summary>
    public IFeedStore Around(IFeedStore store)
    {
        var proxy = DispatchProxy.Create<IFeedStore, GatedStore>();
        ((GatedStore)(object)proxy).Wrap(store, this);
        return proxy;
    }

    internal async Task PassAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _arrived) == expected)
        {
            _full.SetResult();
            if (opensWhenFull)
            {
                Open();
            }
        }

        await _open.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
    }
}

/// <summary>The proxy of <see cref="AddGate"/>: the writes it holds wait at the gate, every other call goes to the store.</summary>
public class GatedStore : DispatchProxy
{
    private IFeedStore _store = null!;
    private AddGate _gate = null!;

    internal void Wrap(IFeedStore store, AddGate gate) => (_store, _gate) = (store, gate);

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        return !_gate.Holds(targetMethod!.Name) ? Call(targetMethod, args)
            : targetMethod.Name == nameof(IFeedStore.AddSourcesAsync) ? HeldAsync<IReadOnlyList<Source>>(targetMethod, args!)
            : HeldAsync<Source?>(targetMethod, args!);
    }

    /// <summary>An add or a change of a source (both give a source), or an import's adds (giving sources), once through the gate.</summary>
    private async Task<T> HeldAsync<T>(MethodInfo method, object?[] args)
    {
        await _gate.PassAsync((CancellationToken)args[^1]!);
        return await (Task<T>)Call(method, args)!;
    }

    private object? Call(MethodInfo method, object?[]? args)
    {
        try
        {
            return method.Invoke(_store, args);
        }
        catch (TargetInvocationException failure) when (failure.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(failure.InnerException);
            throw;
        }
    }
}
