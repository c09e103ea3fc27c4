using FeedHub.Core.Storage;

namespace FeedHub.Core.Ingest;

/// <summary>
/// Who mints the entry ids of new articles: the host of the public address when one is configured, else this
/// installation's own authority kept in the store. Either way an id, once minted, is kept with its article.
/// </summary>
public sealed class EntryIdAuthority(IFeedStore store, string? publicHost)
{
    private string? _authority = string.IsNullOrWhiteSpace(publicHost) ? null : publicHost.ToLowerInvariant();

    public async ValueTask<string> GetAsync(CancellationToken cancellationToken)
        => _authority ??= await EntryIds.InstallationAuthorityAsync(store, cancellationToken).ConfigureAwait(false);
}
