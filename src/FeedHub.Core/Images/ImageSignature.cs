using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace FeedHub.Core.Images;

/// <summary>
/// The signed form of an image's address that FeedHub's image proxy accepts: the address (base64url) with its HMAC
/// under a key only FeedHub holds, so the proxy fetches what FeedHub's own pages show and nothing anyone else asks for
/// (it is not an open proxy).
/// </summary>
public sealed class ImageSignature
{
    public const int KeyBytes = 32;

    private readonly byte[] _key;

    public ImageSignature(byte[] key)
    {
        if (key.Length < KeyBytes)
        {
            throw new ArgumentException($"An image signing key has at least {KeyBytes} bytes.", nameof(key));
        }

        _key = key;
    }

    /// <summary>A new random key.</summary>
    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(KeyBytes);

    /// <summary>The signature and the encoded address of <paramref name="url"/>.</summary>
    public (string Signature, string EncodedUrl) Sign(string url)
    {
        var bytes = Encoding.UTF8.GetBytes(url);
        return (Base64Url.EncodeToString(HMACSHA256.HashData(_key, bytes)), Base64Url.EncodeToString(bytes));
    }

    /// <summary>The address a signature was made for; false when either part was not made by <see cref="Sign"/> with this key.</summary>
    public bool TryVerify(string signature, string encodedUrl, out Uri url)
    {
        url = null!;
        Span<byte> given = stackalloc byte[HMACSHA256.HashSizeInBytes];
        if (signature.Length > 64 || !Base64Url.IsValid(signature) || !Base64Url.TryDecodeFromChars(signature, given, out var length) || length != given.Length
            || encodedUrl.Length > 16 * 1024 || !Base64Url.IsValid(encodedUrl))
        {
            return false;
        }

        var bytes = Base64Url.DecodeFromChars(encodedUrl);
        if (!CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(_key, bytes), given))
        {
            return false;
        }

        return Uri.TryCreate(Encoding.UTF8.GetString(bytes), UriKind.Absolute, out url!)
            && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps);
    }
}
