using System.Text;
using FeedHub.Core.Images;

namespace FeedHub.Core.Tests.Images;

public sealed class RasterImageTests
{
    public static TheoryData<string, byte[]> Images => new()
    {
        { "image/jpeg", [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F'] },
        { "image/png", [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] },
        { "image/gif", Encoding.ASCII.GetBytes("GIF89a\x01\x00\x01\x00") },
        { "image/gif", Encoding.ASCII.GetBytes("GIF87a\x01\x00\x01\x00") },
        { "image/webp", Encoding.ASCII.GetBytes("RIFF\x24\x00\x00\x00WEBPVP8 ") },
        { "image/avif", [0, 0, 0, 0x1C, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'a', (byte)'v', (byte)'i', (byte)'f', 0, 0, 0, 0] },
    };

    [Theory]
    [MemberData(nameof(Images))]
    public void Raster_images_are_known_by_their_first_bytes(string mediaType, byte[] bytes)
        => Assert.Equal(mediaType, RasterImage.MediaTypeOf(bytes));

    [Theory]
    [InlineData("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>")]
    [InlineData("<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>")]
    [InlineData("<!DOCTYPE html><html><body>not an image</body></html>")]
    [InlineData("%PDF-1.7")]
    [InlineData("RIFF\u0024\0\0\0WAVEfmt ")]
    [InlineData("")]
    [InlineData("GIF8")]
    public void Anything_else_is_not_one_whatever_it_claims(string text)
        => Assert.Null(RasterImage.MediaTypeOf(Encoding.Latin1.GetBytes(text)));
}
