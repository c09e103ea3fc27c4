using FeedHub.Core.Images;
using FeedHub.Core.Storage;

namespace FeedHub.Web.Images;

/// <summary>
/// Where pages (and, when <see cref="ImageProxyOptions.ProxyInFeeds"/> is set, feeds) point images: at FeedHub's own
/// <c>/images/{signature}/{address}</c>, signed with a key kept in the store (made once, shared by every web node),
/// so readers' browsers never call the original sites and nobody else can use the proxy.
/// </summary>
public sealed class ImageLinks(ImageSignature signature)
{
    public const string PathPrefix = "/images/";

    /// <summary>The store setting that holds the signing key (base64).</summary>
    public const string KeySetting = "images:signing-key";

    /// <summary>The signing key of this installation: made and stored by the first process that needs it, read by the others.</summary>
    public static async Task<ImageLinks> LoadAsync(IFeedStore store, CancellationToken cancellationToken)
    {
        await store.ClaimSettingAsync(KeySetting, Convert.ToBase64String(ImageSignature.NewKey()), cancellationToken);
        var key = await store.GetSettingAsync(KeySetting, cancellationToken)
            ?? throw new InvalidOperationException($"The store lost the setting {KeySetting} it just kept.");
        return new ImageLinks(new ImageSignature(Convert.FromBase64String(key)));
    }

    /// <summary>The address on this site of an image at <paramref name="url"/>; anything but an http(s) address (such as an inline data: image) stays as it is.</summary>
    public string Of(string url)
    {
        if (!url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) && !url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            return url;
        }

        var (mac, encoded) = signature.Sign(url);
        return $"{PathPrefix}{mac}/{encoded}";
    }

    /// <summary>The absolute address of an image through this site at <paramref name="origin"/> (for feeds).</summary>
    public string Of(string url, Uri origin)
    {
        var proxied = Of(url);
        return proxied == url ? url : new Uri(origin, proxied.TrimStart('/')).AbsoluteUri;
    }

    /// <summary>Article HTML with its images through this site (relative addresses, for pages).</summary>
    public string RewriteHtml(string? html) => string.IsNullOrEmpty(html) ? string.Empty : ImageUrlRewriter.Rewrite(html, Of);

    /// <summary>Article HTML with its images through this site at <paramref name="origin"/> (absolute addresses, for feeds).</summary>
    public string RewriteHtml(string? html, Uri origin) => string.IsNullOrEmpty(html) ? string.Empty : ImageUrlRewriter.Rewrite(html, url => Of(url, origin));

    /// <summary>The original address behind a proxy address's two parts; false when FeedHub did not sign them.</summary>
    public bool TryOpen(string mac, string encoded, out Uri url) => signature.TryVerify(mac, encoded, out url);
}
