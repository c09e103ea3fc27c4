using System.Buffers;
using FeedHub.Core.Charsets;

namespace FeedHub.Core.Sanitizer;

/// <summary>
/// Markup in a buffer rented from the pool, to be parsed from memory: AngleSharp reads memory as it is, where a string
/// read with scripting on is copied into a writable builder first, and a page decoded into a string of its own is as
/// much again of the large object heap per page. A document parsed from it may hold slices of the buffer: it must not
/// outlive the markup, which goes back to the pool when disposed.
/// </summary>
internal sealed class PooledMarkup : IDisposable
{
    private char[] _buffer;

    private PooledMarkup(int capacity) => _buffer = ArrayPool<char>.Shared.Rent(capacity);

    public int Length { get; private set; }

    public Span<char> Span => _buffer.AsSpan(0, Length);

    public ReadOnlyMemory<char> Memory => _buffer.AsMemory(0, Length);

    /// <summary><paramref name="prefix"/> followed by <paramref name="text"/>.</summary>
    public static PooledMarkup Of(string prefix, string text)
    {
        var markup = new PooledMarkup(prefix.Length + text.Length) { Length = prefix.Length + text.Length };
        prefix.CopyTo(markup._buffer);
        text.CopyTo(markup._buffer.AsSpan(prefix.Length));
        return markup;
    }

    /// <summary>The bytes of a document decoded as <paramref name="detection"/> says (as <see cref="CharsetDetector.Decode"/> does), once, into the buffer.</summary>
    public static PooledMarkup Decode(ReadOnlySpan<byte> body, CharsetDetection detection)
    {
        var bytes = body[detection.PreambleLength..];
        var encoding = CharsetDetector.DecodingEncoding(detection);
        var markup = new PooledMarkup(encoding.GetMaxCharCount(bytes.Length));
        markup.Length = encoding.GetChars(bytes, markup._buffer);
        return markup;
    }

    /// <summary>Keeps the first <paramref name="length"/> characters (all of them when there are fewer).</summary>
    public void Truncate(int length) => Length = Math.Min(Length, length);

    public void Dispose()
    {
        ArrayPool<char>.Shared.Return(_buffer);
        _buffer = [];
        Length = 0;
    }
}
