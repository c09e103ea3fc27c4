using System.Security.Cryptography;
using System.Text;

namespace FeedHub.Core.WebSub;

/// <summary>
/// The <c>X-Hub-Signature</c> of WebSub content distribution (W3C WebSub §7, §8): <c>method=hex</c>, an HMAC of the
/// body keyed with the subscriber's secret. FeedHub signs with SHA-256 and accepts sha1, sha256, sha384 and sha512.
/// </summary>
public static class WebSubSignature
{
    public const string Header = "X-Hub-Signature";

    public static string Sign(string secret, ReadOnlySpan<byte> body)
        => "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>Checks a signature in constant time; null when it holds, otherwise why it does not.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350:Do not use weak cryptographic algorithms",
        Justification = "WebSub names sha1 among its signature methods and widely used hubs still sign with it; HMAC-SHA1 has no known forgery.")]
    public static string? Check(string? header, string secret, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return "unsigned (no X-Hub-Signature)";
        }

        var separator = header.IndexOf('=', StringComparison.Ordinal);
        var method = separator > 0 ? header[..separator].Trim().ToLowerInvariant() : string.Empty;
        var key = Encoding.UTF8.GetBytes(secret);
        byte[]? expected = method switch
        {
            "sha1" => HMACSHA1.HashData(key, body),
            "sha256" => HMACSHA256.HashData(key, body),
            "sha384" => HMACSHA384.HashData(key, body),
            "sha512" => HMACSHA512.HashData(key, body),
            _ => null,
        };
        if (expected is null)
        {
            return $"signed with an unknown method '{(method.Length > 16 ? method[..16] : method)}'";
        }

        byte[] given;
        try
        {
            given = Convert.FromHexString(header.AsSpan(separator + 1).Trim());
        }
        catch (FormatException)
        {
            return "the signature is not hexadecimal";
        }

        return CryptographicOperations.FixedTimeEquals(given, expected) ? null : "the signature does not match the content (tampered, or signed with another secret)";
    }
}
