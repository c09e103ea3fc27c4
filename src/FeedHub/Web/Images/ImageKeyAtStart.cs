using FeedHub.Core.Storage;

namespace FeedHub.Web.Images;

/// <summary>
/// Loads the image signing key (<see cref="ImageLinks.LoadAsync"/>) before the server takes requests. A store that
/// cannot give it stops the start like any store failure at start, in one line.
/// </summary>
internal sealed class ImageKeyAtStart(ImageLinks links, IFeedStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => links.LoadAsync(store, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
