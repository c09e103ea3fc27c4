using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace FeedHub.Core.Ingest;

/// <summary>
/// SHA-256 digests of text, as lower-case hex of their first bytes, hashed from one pooled UTF-8 buffer: every new
/// article takes several (its content hash, story keys, entry id), and an array of bytes per text and a hash object per
/// digest were garbage of the size of the article.
/// </summary>
internal static class Digests
{
    /// <summary>The first <paramref name="bytes"/> bytes of the SHA-256 of <paramref name="text"/>'s UTF-8, in hex.</summary>
    public static string Sha256Hex(string text, int bytes) => Sha256Hex([text], bytes, separated: false);

    /// <summary>
    /// The first <paramref name="bytes"/> bytes of the SHA-256 of the parts' UTF-8 in turn, each followed by a zero byte
    /// when <paramref name="separated"/> (a missing part counts as empty), in hex.
    /// </summary>
    public static string Sha256Hex(ReadOnlySpan<string?> parts, int bytes, bool separated = true)
    {
        var length = 0;
        foreach (var part in parts)
        {
            length += Encoding.UTF8.GetMaxByteCount(part?.Length ?? 0) + 1;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = 0;
            foreach (var part in parts)
            {
                written += Encoding.UTF8.GetBytes(part ?? string.Empty, buffer.AsSpan(written));
                if (separated)
                {
                    buffer[written++] = 0;
                }
            }

            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(buffer.AsSpan(0, written), hash);
            return Convert.ToHexStringLower(hash[..bytes]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
