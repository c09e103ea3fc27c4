namespace FeedHub.Core.Parser;

/// <summary>Resolution of the links a feed gives against its xml:base or the document's own location.</summary>
internal static class Links
{
    /// <summary>The link made absolute against <paramref name="baseUri"/>; absolute links are returned exactly as written.</summary>
    public static string? Resolve(string? href, Uri? baseUri)
    {
        if (string.IsNullOrWhiteSpace(href))
        {
            return null;
        }

        var trimmed = href.Trim();
        if (HasScheme(trimmed) || baseUri is null)
        {
            return trimmed;
        }

        return Uri.TryCreate(baseUri, trimmed, out var resolved) ? resolved.AbsoluteUri : trimmed;
    }

    /// <summary>A base URI for nested content: <paramref name="value"/> resolved against <paramref name="parent"/>, when it can be.</summary>
    public static Uri? ResolveUri(string value, Uri? parent)
    {
        if (HasScheme(value))
        {
            return Uri.TryCreate(value, UriKind.Absolute, out var absolute) ? absolute : null;
        }

        return parent is not null && Uri.TryCreate(parent, value, out var resolved) ? resolved : null;
    }

    /// <summary>Is this an http(s) URL (as RSS guids that double as permalinks are)?</summary>
    public static bool HasWebScheme(string value)
        => value.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    // Uri.TryCreate(UriKind.Absolute) accepts "/path" as a file URI on Unix, so the scheme is checked by hand.
    private static bool HasScheme(string value)
    {
        var colon = value.IndexOf(':');
        if (colon <= 0 || !char.IsAsciiLetter(value[0]))
        {
            return false;
        }

        for (var i = 1; i < colon; i++)
        {
            var c = value[i];
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('+' or '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }
}
