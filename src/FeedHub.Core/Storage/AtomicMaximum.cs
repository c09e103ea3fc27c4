namespace FeedHub.Core.Storage;

/// <summary>A running maximum shared between threads without a lock (the runtime has no <c>Interlocked.Max</c>).</summary>
public static class AtomicMaximum
{
    /// <summary>Raises <paramref name="location"/> to <paramref name="value"/> when it is lower; never lowers it.</summary>
    public static void Raise(ref long location, long value)
    {
        var current = Interlocked.Read(ref location);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref location, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
