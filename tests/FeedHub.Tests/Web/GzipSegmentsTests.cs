using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using FeedHub.Web.Rendering;

namespace FeedHub.Tests.Web;

/// <summary>A gzip body put together from parts deflated apart and kept only deflated.</summary>
public sealed class GzipSegmentsTests
{
    [Fact]
    public async Task Parts_deflated_apart_make_one_gzip_body_whose_trailer_has_the_whole_bodys_crc_and_length()
    {
        var random = new Random(15);
        // Incompressible, repetitive and empty parts, one past the 8-bit lengths a combine of small parts would cover.
        byte[][] parts = [Bytes(random, 70_000), "<entry>&amp;</entry>"u8.ToArray(), [], new byte[300], Bytes(random, 1)];
        var whole = parts.SelectMany(p => p).ToArray();

        var gzip = GzipSegments.Assemble([.. parts.Select(p => GzipSegments.Deflate(p))]).SelectMany(p => p).ToArray();

        Assert.Equal(Crc32.HashToUInt32(whole), BinaryPrimitives.ReadUInt32LittleEndian(gzip.AsSpan(gzip.Length - 8)));
        Assert.Equal((uint)whole.Length, BinaryPrimitives.ReadUInt32LittleEndian(gzip.AsSpan(gzip.Length - 4)));
        using var inflated = new MemoryStream();
        await using (var stream = new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress))
        {
            await stream.CopyToAsync(inflated);
        }

        Assert.Equal(whole, inflated.ToArray());
        using var inflatedInParts = new MemoryStream();
        await GzipSegments.InflateAsync([gzip[..5], gzip[5..]], inflatedInParts, default);
        Assert.Equal(whole, inflatedInParts.ToArray());
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 0)]
    [InlineData(0, 1)]
    [InlineData(3, 5)]
    [InlineData(1000, 65_537)]
    public void Crcs_combined_are_the_crc_of_the_parts_together(int firstLength, int secondLength)
    {
        var random = new Random(firstLength ^ secondLength);
        var first = Bytes(random, firstLength);
        var second = Bytes(random, secondLength);

        Assert.Equal(
            Crc32.HashToUInt32([.. first, .. second]),
            GzipSegments.CombineCrc(Crc32.HashToUInt32(first), Crc32.HashToUInt32(second), second.Length));
    }

    private static byte[] Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
