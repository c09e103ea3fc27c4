using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace FeedHub.Web.Rendering;

/// <summary>
/// A gzip body put together from parts compressed apart: each part is deflated on its own and ends on a byte boundary
/// (a sync flush, RFC 1951 §3.2.4's empty stored block), so parts kept compressed (a digest feed's days) are
/// concatenated into one valid deflate stream without compressing again what has not changed. A part is kept only
/// deflated, with its length and CRC-32: the body's CRC is combined from its parts' (as zlib's <c>crc32_combine</c>),
/// so putting a body together never needs its parts as they were.
/// </summary>
public static class GzipSegments
{
    /// <summary>Gzip's header: deflate, no name nor time, unknown system (RFC 1952 §2.3).</summary>
    private static readonly byte[] Header = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];

    /// <summary>The final block that ends the stream: an empty block of fixed codes with the last-block bit set.</summary>
    private static readonly byte[] FinalBlock = [0x03, 0x00];

    /// <summary>CRC-32's polynomial, reflected (bit 31 is x^0).</summary>
    private const uint Polynomial = 0xedb88320;

    /// <summary>x^(2^n) modulo the polynomial, for n from 0 to 31: what shifting a CRC past 2^n bits multiplies it by.</summary>
    private static readonly uint[] PowersOfX = MakePowersOfX();

    /// <summary>
    /// Deflate's level 3: a digest day of 2,000 posts (940 KB as a feed writes it) took 12-25 ms at the default level
    /// (6) and takes about 2 ms at 3, for about a tenth more bytes (43 KB instead of 39 KB); level 2 is as fast but
    /// gives a quarter more, level 4 takes 9 ms (zlib-ng, which .NET uses, changes its matching between 3 and 4).
    /// </summary>
    private static readonly ZLibCompressionOptions Level = new() { CompressionLevel = 3 };

    /// <summary>One part, deflated and flushed to a byte boundary, not final, with what its CRC needs.</summary>
    public static Segment Deflate(ReadOnlySpan<byte> part)
    {
        using var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, Level, leaveOpen: true))
        {
            deflate.Write(part);
            deflate.Flush();
            // Taken before the stream is closed, which would add its own final block.
            return new Segment(output.ToArray(), Crc32.HashToUInt32(part), part.Length);
        }
    }

    /// <summary>The gzip body of the parts in order, as parts: those given, between gzip's header and its trailer.</summary>
    public static IReadOnlyList<byte[]> Assemble(IReadOnlyList<Segment> segments)
    {
        uint crc = 0;
        long length = 0;
        foreach (var segment in segments)
        {
            crc = CombineCrc(crc, segment.Crc, segment.Length);
            length += segment.Length;
        }

        var trailer = new byte[FinalBlock.Length + 8];
        FinalBlock.CopyTo(trailer, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(trailer.AsSpan(FinalBlock.Length), crc);
        BinaryPrimitives.WriteUInt32LittleEndian(trailer.AsSpan(FinalBlock.Length + 4), unchecked((uint)length));
        return [Header, .. segments.Select(s => s.Deflated), trailer];
    }

    /// <summary>A gzip body in parts, decompressed into <paramref name="destination"/>.</summary>
    public static async Task InflateAsync(IReadOnlyList<byte[]> gzip, Stream destination, CancellationToken cancellationToken)
    {
        // The compressed parts copied into one array are a fraction of the body, and only clients that refuse gzip need it.
        using var compressed = new MemoryStream(gzip.Sum(p => p.Length));
        foreach (var part in gzip)
        {
            compressed.Write(part);
        }

        compressed.Position = 0;
        await using var inflating = new GZipStream(compressed, CompressionMode.Decompress);
        await inflating.CopyToAsync(destination, cancellationToken);
    }

    /// <summary>The CRC of A then B from A's CRC, B's CRC and B's length: A's CRC shifted past B's bits, added to B's.</summary>
    internal static uint CombineCrc(uint first, uint second, long secondLength)
    {
        var shift = 1u << 31;
        var bits = secondLength;
        for (var n = 3; bits != 0; bits >>= 1, n++)
        {
            if ((bits & 1) != 0)
            {
                shift = Multiply(PowersOfX[n & 31], shift);
            }
        }

        return Multiply(shift, first) ^ second;
    }

    /// <summary>a times b modulo the polynomial, both reflected.</summary>
    private static uint Multiply(uint a, uint b)
    {
        uint product = 0;
        for (var m = 1u << 31; m != 0; m >>= 1)
        {
            if ((a & m) != 0)
            {
                product ^= b;
            }

            b = (b & 1) != 0 ? (b >> 1) ^ Polynomial : b >> 1;
        }

        return product;
    }

    private static uint[] MakePowersOfX()
    {
        var powers = new uint[32];
        var power = 1u << 30;
        for (var n = 0; n < powers.Length; n++)
        {
            powers[n] = power;
            power = Multiply(power, power);
        }

        return powers;
    }

    /// <summary>A part deflated (see <see cref="Deflate"/>), with the CRC-32 and length of the part itself.</summary>
    public sealed record Segment(byte[] Deflated, uint Crc, long Length);
}
