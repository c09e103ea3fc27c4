using FeedHub.Core.Settings;

namespace FeedHub.Core.Parser;

/// <summary>
/// What one document may cost, bound from <c>FeedHub:Parser</c>: processor time, items kept, bytes per field. A
/// document over its time budget is refused; items and fields over their caps are dropped or cut, and the document's
/// <see cref="FeedDocument.Error"/> says so (it reaches the source's health as the parse warning).
/// </summary>
public sealed class FeedReaderOptions : ICheckedOptions
{
    public const string Section = "FeedHub:Parser";

    /// <summary>Processor time one document may take to parse before it is refused.</summary>
    public TimeSpan TimeBudget { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Items kept per document: the newest, by date (undated items count as newest, in document order).</summary>
    public int MaxItems { get; set; } = 1000;

    /// <summary>UTF-8 bytes kept of an item's title; longer titles are cut.</summary>
    public int MaxTitleBytes { get; set; } = 4 * 1024;

    /// <summary>UTF-8 bytes kept of an item's author.</summary>
    public int MaxAuthorBytes { get; set; } = 1024;

    /// <summary>UTF-8 bytes kept of an item's summary.</summary>
    public int MaxSummaryBytes { get; set; } = 256 * 1024;

    /// <summary>UTF-8 bytes kept of an item's content.</summary>
    public int MaxContentBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>Documents longer than this (after decoding) are cut off and reported.</summary>
    public long MaxCharactersInDocument { get; set; } = 64L * 1024 * 1024;

    /// <summary>Why these options cannot be used, or null when they can.</summary>
    public string? Problem() =>
        TimeBudget <= TimeSpan.Zero && TimeBudget != Timeout.InfiniteTimeSpan ? $"{Section}:TimeBudget must be positive"
        : MaxItems is < 1 or > 1_000_000 ? $"{Section}:MaxItems must be between 1 and 1,000,000"
        : MaxTitleBytes < 64 || MaxAuthorBytes < 64 || MaxSummaryBytes < 64 || MaxContentBytes < 64 ? $"{Section}:Max…Bytes must be at least 64"
        : MaxCharactersInDocument < 1024 ? $"{Section}:MaxCharactersInDocument must be at least 1024"
        : null;
}
