using FeedHub.Core.Storage;
using FeedHub.Storage.LiteDb;

namespace FeedHub.Storage.Tests;

public sealed class LiteDbFeedStoreTests : FeedStoreContract
{
    private readonly string _directory = Directory.CreateTempSubdirectory("feedhub-litedb-").FullName;

    private string DatabasePath => Path.Combine(_directory, "feedhub.db");

    protected override Task<IFeedStore> CreateStoreAsync() => Task.FromResult<IFeedStore>(new LiteDbFeedStore(DatabasePath));

    protected override Task<IFeedStore> ReopenAsync(IFeedStore store)
    {
        ((LiteDbFeedStore)store).Dispose();
        return CreateStoreAsync();
    }

    protected override Task DisposeStoreAsync(IFeedStore store)
    {
        ((LiteDbFeedStore)store).Dispose();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public void A_second_opening_of_the_same_file_is_refused_with_a_clear_message()
    {
        var refused = Assert.Throws<StoreInUseException>(() => new LiteDbFeedStore(DatabasePath));

        Assert.Contains("is in use by FeedHub process " + Environment.ProcessId, refused.Message, StringComparison.Ordinal);
        Assert.Contains(DatabasePath, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_file_can_be_opened_again_once_released()
    {
        ((LiteDbFeedStore)Store).Dispose();

        using var reopened = new LiteDbFeedStore(DatabasePath);

        Assert.True(File.Exists(DatabasePath));
    }
}
