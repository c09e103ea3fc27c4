using System.Buffers;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace FeedHub.Core.Sanitizer;

/// <summary>
/// Parses an HTML fragment of a feed (an item's content, a title with markup) behind the markup that places it, from a
/// pooled buffer. AngleSharp reads a string through a writable source (it copies the text into a builder that
/// <c>document.write</c> could insert into), but reads memory as it is: the same document for about half the CPU of the
/// parse, and no string made for each fragment (tests/FeedHub.Benchmarks <c>sanitize</c>, every output identical).
/// </summary>
internal static class HtmlFragments
{
    /// <summary>
    /// The document of <paramref name="prefix"/> followed by <paramref name="html"/>, read by <paramref name="read"/>.
    /// The document never outlives the call: its text may be slices of the buffer, which goes back to the pool after.
    /// </summary>
    public static T Parse<T>(HtmlParser parser, string prefix, string html, Func<IHtmlDocument, T> read)
    {
        var length = prefix.Length + html.Length;
        var source = ArrayPool<char>.Shared.Rent(length);
        try
        {
            prefix.CopyTo(source);
            html.CopyTo(source.AsSpan(prefix.Length));
            using var document = parser.ParseDocument(source.AsMemory(0, length));
            return read(document);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(source);
        }
    }
}
