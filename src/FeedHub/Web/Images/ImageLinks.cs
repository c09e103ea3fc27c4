using FeedHub.Core.Images;
using FeedHub.Core.Storage;

namespace FeedHub.Web.Images;

/// <summary>
/// Where pages (and, when <see cref="ImageProxyOptions.ProxyInFeeds"/> is set, feeds) point images: at FeedHub's own
/// <c>/images/{signature}/{address}</c>, signed with a key kept in the store (made once, shared by every web node),
/// so readers' browsers never call the original sites and nobody else can use the proxy. The key is loaded once, as
/// the process starts (<see cref="ImageKeyAtStart"/>), never while a page renders: rendering waits on nothing, and a
/// page is served from what is stored even when the disk has filled since.
/// </summary>
public sealed class ImageLinks
{
    public const string PathPrefix = "/images/";

    /// <summary>The store setting that holds the signing key (base64).</summary>
    public const string KeySetting = "images:signing-key";

    private ImageSignature? _signature;

    private ImageSignature Signature => Volatile.Read(ref _signature)
        ?? throw new InvalidOperationException("The image signing key is not loaded: it is loaded as the process starts.");

    /// <summary>
    /// Loads the signing key of this installation: made and stored by the first process that needs it, read by the
    /// others. A key already kept is only read.
    /// </summary>
    public async Task LoadAsync(IFeedStore store, CancellationToken cancellationToken)
    {
        var key = await store.GetSettingAsync(KeySetting, cancellationToken).ConfigureAwait(false);
        if (key is null)
        {
            await store.ClaimSettingAsync(KeySetting, Convert.ToBase64String(ImageSignature.NewKey()), cancellationToken).ConfigureAwait(false);
            key = await store.GetSettingAsync(KeySetting, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"The store lost the setting {KeySetting} it just kept.");
        }

        Volatile.Write(ref _signature, new ImageSignature(Convert.FromBase64String(key)));
    }

    /// <summary>The address on this site of an image at <paramref name="url"/>; anything but an http(s) address (such as an inline data: image) stays as it is.</summary>
    public string Of(string url)
    {
        if (!url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) && !url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            return url;
        }

        var (mac, encoded) = Signature.Sign(url);
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
    public bool TryOpen(string mac, string encoded, out Uri url) => Signature.TryVerify(mac, encoded, out url);
}
