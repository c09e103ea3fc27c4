namespace FeedHub.Core.Opml;

/// <summary>The feeds of an OPML subscription list, each with the categories of the outlines it sits in.</summary>
public sealed class OpmlDocument
{
    public string? Title { get; set; }

    public List<OpmlFeed> Feeds { get; } = [];

    /// <summary>Outlines that could not be read, with their line numbers.</summary>
    public List<OpmlProblem> Problems { get; } = [];
}

/// <param name="Settings">FeedHub's own settings of the source, when the list was exported by FeedHub.</param>
public sealed record OpmlFeed(string FeedUrl, string? Title, string? SiteUrl, IReadOnlyList<string> Categories, int Line, OpmlSourceSettings? Settings = null);

/// <summary>
/// A source's settings as FeedHub exports them, in attributes of its own namespace (<see cref="OpmlSourceSettings.Namespace"/>)
/// that other readers ignore: an export imported again restores the source as it was.
/// </summary>
public sealed record OpmlSourceSettings
{
    public const string Namespace = "urn:x-feedhub:opml:1";
    public const string Prefix = "feedhub";

    public string? DisplayName { get; init; }

    /// <summary>The categories in order, exactly (the outline nesting carries them too, for other readers).</summary>
    public IReadOnlyList<string>? Categories { get; init; }

    public Model.SourceState State { get; init; } = Model.SourceState.Active;

    public Model.ExtractionMode Extraction { get; init; } = Model.ExtractionMode.Auto;

    public string? ExtractionSelector { get; init; }

    public int? MinIntervalMinutes { get; init; }

    public int? MaxIntervalMinutes { get; init; }
}

public sealed record OpmlProblem(int Line, string Message);
