using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace FeedHub.Web.Rendering;

/// <summary>
/// A gzip body put together from parts compressed apart: each part is deflated on its own and ends on a byte boundary
/// (a sync flush, RFC 1951 §3.2.4's empty stored block), so parts kept compressed (a digest feed's days) are
/// concatenated into one valid deflate stream without compressing again what has not changed.
/// </summary>
public static class GzipSegments
{
    /// <summary>Gzip's header: deflate, no name nor time, unknown system (RFC 1952 §2.3).</summary>
    private static readonly byte[] Header = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];

    /// <summary>The final block that ends the stream: an empty block of fixed codes with the last-block bit set.</summary>
    private static readonly byte[] FinalBlock = [0x03, 0x00];

    /// <summary>One part, deflated and flushed to a byte boundary, not final.</summary>
    public static byte[] Deflate(ReadOnlySpan<byte> part)
    {
        using var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(part);
            deflate.Flush();
            // Taken before the stream is closed, which would add its own final block.
            return output.ToArray();
        }
    }

    /// <summary>
    /// The gzip body of <paramref name="body"/> (its parts in order) from the same parts deflated by <see cref="Deflate"/>,
    /// as parts: those given, between gzip's header and its trailer.
    /// </summary>
    public static IReadOnlyList<byte[]> Assemble(IReadOnlyList<byte[]> deflatedParts, IReadOnlyList<byte[]> body)
    {
        var crc = new Crc32();
        long length = 0;
        foreach (var part in body)
        {
            crc.Append(part);
            length += part.Length;
        }

        var trailer = new byte[FinalBlock.Length + 8];
        FinalBlock.CopyTo(trailer, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(trailer.AsSpan(FinalBlock.Length), crc.GetCurrentHashAsUInt32());
        BinaryPrimitives.WriteUInt32LittleEndian(trailer.AsSpan(FinalBlock.Length + 4), unchecked((uint)length));
        return [Header, .. deflatedParts, trailer];
    }
}
