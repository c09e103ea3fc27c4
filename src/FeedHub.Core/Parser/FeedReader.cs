namespace FeedHub.Core.Parser;

/// <summary>Reads RSS, Atom and JSON Feed documents liberally; thread-safe, one instance per process.</summary>
public sealed class FeedReader
{
    /// <param name="body">The raw bytes as received (any encoding).</param>
    /// <param name="contentType">The HTTP Content-Type header, whose charset wins over the document's own declaration.</param>
    /// <param name="location">Where the document was fetched from, to resolve relative links.</param>
    public FeedDocument Read(ReadOnlyMemory<byte> body, string? contentType = null, Uri? location = null)
        => throw new NotImplementedException();
}
