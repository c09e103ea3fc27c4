using FeedHub.Core.Model;
using FeedHub.Core.Storage;

namespace FeedHub.Tests.Support;

/// <summary>Puts sources and articles straight into a store, for tests of what is served.</summary>
public static class StoreSeeder
{
    public static async Task<Source> SourceAsync(IFeedStore store, string name, params string[] categories)
        => await store.AddSourceAsync(new Source
        {
            FeedUrl = $"https://{name.ToLowerInvariant().Replace(' ', '-')}.example/feed",
            SiteUrl = $"https://{name.ToLowerInvariant().Replace(' ', '-')}.example/",
            Title = name,
            Categories = [.. categories],
            CreatedAt = DateTimeOffset.UtcNow,
        }, default);

    public static async Task<Article> ArticleAsync(IFeedStore store, Source source, string title, DateTimeOffset published, string? html = null, string? imageUrl = null)
    {
        var article = new Article
        {
            SourceId = source.Id,
            Key = "id:" + title,
            ContentHash = title,
            Title = title,
            Link = $"{source.SiteUrl}posts/{Uri.EscapeDataString(title)}",
            Author = "Ada Writer",
            Content = html ?? $"<p>The full text of {title}.</p><p>A second paragraph.</p>",
            Excerpt = $"The full text of {title}. A second paragraph.",
            WordCount = 460,
            ImageUrl = imageUrl,
            Published = published,
            SortDate = published,
            FirstSeenAt = published,
            ChangedAt = published,
        };
        await store.SaveArticlesAsync([article], [], default);
        return article;
    }
}
