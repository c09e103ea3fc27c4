using FeedHub.Core.Urls;

namespace FeedHub.Core.Model;

/// <summary>
/// A source as the blogroll and OPML show it: its names, links, categories, state and curator settings, without its
/// fetch state (most of a stored source, and read by none of them). Copied from the source: a later change of that
/// <see cref="Source"/> object does not reach it.
/// </summary>
public sealed record SourceOutline(
    long Id,
    string FeedUrl,
    string? SiteUrl,
    string? Title,
    string? DisplayName,
    IReadOnlyList<string> Categories,
    SourceState State,
    ExtractionMode Extraction,
    string? ExtractionSelector,
    TimeSpan? MinInterval,
    TimeSpan? MaxInterval)
{
    /// <summary>
    /// The feed's address as shown (<see cref="FeedAddress.Shown(string)"/>), without the user name and password a
    /// source's stored address may carry: every reader of an outline publishes it (blogroll, OPML).
    /// </summary>
    public string FeedUrl { get; init; } = FeedAddress.Shown(FeedUrl);

    /// <summary>The name readers see, as <see cref="Source.Name"/>.</summary>
    public string Name => Source.NameOf(DisplayName, Title, FeedUrl);

    public static SourceOutline Of(Source source) => new(
        source.Id, source.FeedUrl, source.SiteUrl, source.Title, source.DisplayName, [.. source.Categories], source.State,
        source.Extraction, source.ExtractionSelector, source.MinInterval, source.MaxInterval);
}
