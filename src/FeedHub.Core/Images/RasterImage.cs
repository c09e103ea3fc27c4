namespace FeedHub.Core.Images;

/// <summary>
/// Recognises raster images by their first bytes, whatever the server declared: the image proxy only passes on
/// what is recognised here, with the type found here, so SVG (which can hold script), HTML or anything else a server
/// calls an image never reaches a reader's browser through FeedHub.
/// </summary>
public static class RasterImage
{
    /// <summary>The media type of the image <paramref name="bytes"/> start, or null when they are not one of JPEG, PNG, GIF, WebP, AVIF.</summary>
    public static string? MediaTypeOf(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith<byte>([0xFF, 0xD8, 0xFF]))
        {
            return "image/jpeg";
        }

        if (bytes.StartsWith<byte>([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return "image/png";
        }

        if (bytes.StartsWith("GIF87a"u8) || bytes.StartsWith("GIF89a"u8))
        {
            return "image/gif";
        }

        if (bytes.Length >= 12 && bytes.StartsWith("RIFF"u8) && bytes[8..12].SequenceEqual("WEBP"u8))
        {
            return "image/webp";
        }

        // ISO base media file: a box of type "ftyp" whose major brand is AVIF (a still image or a sequence).
        if (bytes.Length >= 12 && bytes[4..8].SequenceEqual("ftyp"u8) && (bytes[8..12].SequenceEqual("avif"u8) || bytes[8..12].SequenceEqual("avis"u8)))
        {
            return "image/avif";
        }

        return null;
    }
}
