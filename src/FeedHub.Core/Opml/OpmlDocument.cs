namespace FeedHub.Core.Opml;

/// <summary>The feeds of an OPML subscription list, each with the categories of the outlines it sits in.</summary>
public sealed class OpmlDocument
{
    public string? Title { get; set; }

    public List<OpmlFeed> Feeds { get; } = [];

    /// <summary>Outlines that could not be read, with their line numbers.</summary>
    public List<OpmlProblem> Problems { get; } = [];
}

public sealed record OpmlFeed(string FeedUrl, string? Title, string? SiteUrl, IReadOnlyList<string> Categories, int Line);

public sealed record OpmlProblem(int Line, string Message);
