using System.Globalization;
using FeedHub.Core.Model;
using FeedHub.Core.Urls;

namespace FeedHub.Core.Storage;

/// <summary>
/// One source per feed address: the identity under which both stores keep a source's address unique, and what a
/// store does with a source it finds at another's address.
/// </summary>
public static class SourceAddress
{
    /// <summary>
    /// The feed address as the stores compare it (<see cref="UrlNormalizer.ForIdentity"/>). A duplicate
    /// (<see cref="Source.DuplicateOf"/>) has one of its own, which no address normalises to, so that it keeps its
    /// articles and history without holding the address its original has.
    /// </summary>
    public static string IdentityOf(Source source)
        => source.DuplicateOf is null
            ? UrlNormalizer.ForIdentity(source.FeedUrl)
            : string.Create(CultureInfo.InvariantCulture, $"duplicate:{source.Id}:{UrlNormalizer.ForIdentity(source.FeedUrl)}");

    /// <summary>
    /// Makes <paramref name="source"/> a paused duplicate of source <paramref name="originalId"/>, which has its
    /// address: the two would poll one feed and show every post twice. A curator removes one or moves this one.
    /// </summary>
    public static void MarkDuplicate(Source source, long originalId)
    {
        source.DuplicateOf = originalId;
        source.State = SourceState.Paused;
    }
}
