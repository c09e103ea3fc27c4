using FeedHub.Core.Model;
using FeedHub.Core.Storage;

namespace FeedHub.Storage.Tests;

/// <summary>An article's files (a podcast's episode) are stored with it and replaced with it.</summary>
public abstract partial class FeedStoreContract
{
    [Fact]
    public async Task An_articles_enclosures_round_trip_and_an_update_replaces_them()
    {
        var source = await Store.AddSourceAsync(NewSource("https://show.example/feed"), default);
        var episode = NewArticle(source.Id, "id:ep1", T0);
        episode.Enclosures =
        [
            new Enclosure { Url = "https://cdn.example/ep1.mp3", MediaType = "audio/mpeg", Length = 8_727_310_000, DurationSeconds = 424 },
            new Enclosure { Url = "https://cdn.example/ep1.pdf" },
        ];
        var post = NewArticle(source.Id, "id:post", T0.AddMinutes(-1));
        await Store.SaveArticlesAsync([episode, post], [], default);

        Store = await ReopenAsync(Store);
        var stored = await Store.GetArticleAsync(episode.Id, default);

        Assert.NotNull(stored);
        Assert.Equal(
            new (string, string?, long?, int?)[] { ("https://cdn.example/ep1.mp3", "audio/mpeg", 8_727_310_000, 424), ("https://cdn.example/ep1.pdf", null, null, null) },
            stored.Enclosures.Select(e => (e.Url, e.MediaType, e.Length, e.DurationSeconds)));
        Assert.Empty((await Store.GetArticleAsync(post.Id, default))!.Enclosures);
        var river = await Store.ListArticlesAsync(new ArticleQuery { Limit = 10 }, default);
        Assert.Equal(2, river.Single(a => a.Id == episode.Id).Enclosures.Count);

        // A re-poll that finds the episode's files changed replaces them, as it replaces the rest of the article.
        stored.Enclosures = [new Enclosure { Url = "https://cdn.example/ep1-fixed.mp3", MediaType = "audio/mpeg" }];
        stored.ContentHash = "hash-edited";
        await Store.SaveArticlesAsync([], [stored], default);
        post.Enclosures = [new Enclosure { Url = "https://cdn.example/late.mp4", DurationSeconds = 60 }];
        await Store.SaveArticlesAsync([], [post], default);

        Store = await ReopenAsync(Store);
        Assert.Equal(["https://cdn.example/ep1-fixed.mp3"], (await Store.GetArticleAsync(episode.Id, default))!.Enclosures.Select(e => e.Url));
        var late = Assert.Single((await Store.GetArticleAsync(post.Id, default))!.Enclosures);
        Assert.Equal(("https://cdn.example/late.mp4", 60), (late.Url, late.DurationSeconds!.Value));
    }
}
