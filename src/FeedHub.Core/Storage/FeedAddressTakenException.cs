using FeedHub.Core.Model;
using FeedHub.Core.Urls;

namespace FeedHub.Core.Storage;

/// <summary>
/// A change of a source would have put it at the feed address another source has (<see cref="Holder"/>); nothing
/// was saved (<see cref="IFeedStore.ChangeSourceAsync"/>).
/// </summary>
public sealed class FeedAddressTakenException(Source holder)
    : InvalidOperationException($"{FeedAddress.Shown(holder.FeedUrl)} is subscribed already as source {holder.Id} ({holder.Name})")
{
    public Source Holder { get; } = holder;
}
