namespace FeedHub.Core.Model;

/// <summary>One OPML import: the sources it added carry its id (<see cref="Source.ImportBatch"/>), so it can be undone.</summary>
public sealed class ImportBatch
{
    public long Id { get; set; }

    /// <summary>Where the list came from, in words (a file name, "API", "admin page").</summary>
    public required string Origin { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>How many sources the import added.</summary>
    public int Added { get; set; }

    /// <summary>How many of them are still subscribed; filled in by the store when listing.</summary>
    public int Remaining { get; set; }
}
