namespace FeedHub.Core.Storage;

/// <summary>
/// Stories: the same post reached through several sources. <see cref="SaveArticlesAsync"/> marks a new article as a
/// duplicate of the story's first article (<see cref="Model.Article.DuplicateOf"/>) when an article of another source
/// already holds one of its story keys, and gives it an entry id if it has none. The river reads story leaders only
/// (<see cref="ArticleQuery.StoriesOnly"/>) and credits them with one look-up per page.
/// </summary>
public partial interface IFeedStore
{
    /// <summary>
    /// The members of the given stories (by the id of their leading article): each leader that exists and every
    /// duplicate of it, in id order.
    /// </summary>
    Task<IReadOnlyList<StoryMember>> ListStoryMembersAsync(IReadOnlyCollection<long> storyIds, CancellationToken cancellationToken);
}

/// <summary>One article of a story: its id, its source, and the id of the story's leading article.</summary>
public readonly record struct StoryMember(long ArticleId, long SourceId, long StoryId);
