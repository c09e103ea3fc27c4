using FeedHub.Core.Charsets;
using FeedHub.Core.Model;
using FeedHub.Core.Polling;

namespace FeedHub.Core.Curation;

/// <summary>
/// Curator settings of a source, given when adding it or changed later. A null member leaves the setting as it is;
/// an empty display name or selector clears it, and so does a zero interval.
/// </summary>
public sealed record SourceSettings
{
    /// <summary>How long a display name may be.</summary>
    public const int MaxDisplayNameLength = 200;

    public static readonly SourceSettings None = new();

    public IReadOnlyList<string>? Categories { get; init; }

    public string? DisplayName { get; init; }

    public ExtractionMode? Extraction { get; init; }

    public string? ExtractionSelector { get; init; }

    public TimeSpan? MinInterval { get; init; }

    public TimeSpan? MaxInterval { get; init; }

    /// <summary>Active or Paused; a curator cannot retire a source (the server does, with 410).</summary>
    public SourceState? State { get; init; }

    /// <summary>What is wrong with these settings, in words; null when they can be applied to <paramref name="source"/>.</summary>
    public string? Problem(Source source, PollingOptions polling)
    {
        if (Categories is { } categories && (categories.Count > 20 || categories.Any(c => c.Trim().Length > 100)))
        {
            return "a source takes at most 20 categories of at most 100 characters each";
        }

        if (DisplayName?.Trim().Length > MaxDisplayNameLength)
        {
            return $"a display name has at most {MaxDisplayNameLength} characters";
        }

        if (ExtractionSelector?.Trim().Length > 500)
        {
            return "an extraction selector has at most 500 characters";
        }

        if (new[] { DisplayName, ExtractionSelector }.Concat(Categories ?? []).Any(text => text is not null && !ReferenceEquals(XmlCharacters.Clean(text), text)))
        {
            return "names, categories and selectors cannot hold control characters (other than tab and line breaks)";
        }

        if (State is SourceState.Retired)
        {
            return "a source can be set active or paused; it is retired only when its server says it is gone (410)";
        }

        var min = MinInterval is { } newMin ? NullIfZero(newMin) : source.MinInterval;
        var max = MaxInterval is { } newMax ? NullIfZero(newMax) : source.MaxInterval;
        foreach (var (name, value) in new[] { ("minimum", min), ("maximum", max) })
        {
            if (value is { } interval && (interval < polling.MinInterval || interval > polling.MaxInterval))
            {
                return $"the {name} poll interval must lie between {Minutes(polling.MinInterval)} and {Minutes(polling.MaxInterval)} minutes (FeedHub:Polling bounds)";
            }
        }

        return min > max ? "the minimum poll interval is longer than the maximum" : null;
    }

    /// <summary>Applies the settings that are given; call <see cref="Problem"/> first.</summary>
    public void ApplyTo(Source source)
    {
        if (Categories is { } categories)
        {
            source.Categories = Clean(categories);
        }

        if (DisplayName is { } displayName)
        {
            source.DisplayName = NullIfBlank(displayName);
        }

        if (Extraction is { } extraction)
        {
            source.Extraction = extraction;
        }

        if (ExtractionSelector is { } selector)
        {
            source.ExtractionSelector = NullIfBlank(selector);
        }

        if (MinInterval is { } min)
        {
            source.MinInterval = NullIfZero(min);
        }

        if (MaxInterval is { } max)
        {
            source.MaxInterval = NullIfZero(max);
        }

        if (State is { } state)
        {
            source.State = state;
        }
    }

    public static List<string> Clean(IEnumerable<string> categories)
        => categories.Select(c => c.Trim()).Where(c => c.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    private static string? NullIfBlank(string text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static TimeSpan? NullIfZero(TimeSpan interval) => interval == TimeSpan.Zero ? null : interval;

    private static string Minutes(TimeSpan interval) => ((int)interval.TotalMinutes).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
