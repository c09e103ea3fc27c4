using FeedHub.Core.Model;
using FeedHub.Core.Storage;

namespace FeedHub.Storage.Tests;

/// <summary>What curators are told of the search index: ready once a store with its index is open, and after a restart.</summary>
public abstract partial class FeedStoreContract
{
    [Fact]
    public async Task The_search_index_is_ready_once_the_store_is_open_and_again_after_a_restart()
    {
        var source = await Store.AddSourceAsync(NewSource("https://index.example/feed"), default);
        await Store.SaveArticlesAsync([NewArticle(source.Id, "a", T0)], [], default);
        Assert.Equal(SearchIndexStatus.Ready, await Store.GetSearchIndexStatusAsync(default));

        Store = await ReopenAsync(Store);

        Assert.Equal(SearchIndexStatus.Ready, await Store.GetSearchIndexStatusAsync(default));
    }
}
