using FeedHub.Core.Storage;

namespace FeedHub.Web.Images;

/// <summary>
/// Makes (or reads) the image signing key as the process starts, while the store takes writes, rather than at the
/// first page that shows an image: a page must be served from what is stored even when the disk has filled since.
/// A store that refuses the write now leaves it to that first page, with one warning.
/// </summary>
internal sealed partial class ImageKeyAtStart(IServiceProvider services, ILogger<ImageKeyAtStart> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            services.GetRequiredService<ImageLinks>();
        }
        catch (Exception failure) when (StoreWrites.IsStorageFailure(failure))
        {
            LogNotMade(logger, StoreWrites.Describe(failure));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "The image signing key is not made yet, the first page with an image will try again: {Reason}")]
    private static partial void LogNotMade(ILogger logger, string reason);
}
