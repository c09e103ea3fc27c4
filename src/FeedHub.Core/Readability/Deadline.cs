using System.Diagnostics;

namespace FeedHub.Core.Readability;

/// <summary>The per-page time budget: optional refinements are skipped once it is spent.</summary>
internal readonly struct Deadline(TimeSpan budget)
{
    private readonly long _start = Stopwatch.GetTimestamp();

    public bool IsPast => Stopwatch.GetElapsedTime(_start) > budget;
}
