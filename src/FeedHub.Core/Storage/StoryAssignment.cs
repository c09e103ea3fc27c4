using FeedHub.Core.Ingest;
using FeedHub.Core.Model;

namespace FeedHub.Core.Storage;

/// <summary>An article already stored that holds story keys: its id, source, story (its leader's id) and keys.</summary>
public sealed record StoryHolder(long ArticleId, long SourceId, long StoryId, IReadOnlyList<string> Keys);

/// <summary>
/// How stores decide the story of new articles, the same way in every store: an article joins the oldest story that
/// an article of another source holding one of its keys (a key of its story, placed or from before: see
/// <see cref="StoryIdentity.Share"/>) belongs to, unless that story already has an article of the
/// article's own source (two articles of one source are never one story). Otherwise it leads a story of its own.
/// </summary>
public static class StoryAssignment
{
    /// <summary>
    /// Sets <see cref="Article.DuplicateOf"/> of each article, in order. <paramref name="holders"/> are the stored
    /// articles holding any of their keys, <paramref name="members"/> every member of those holders' stories. An
    /// article that already has its id is then a holder for the articles after it.
    /// </summary>
    public static void Assign(IEnumerable<Article> articles, IEnumerable<StoryHolder> holders, IEnumerable<StoryMember> members)
    {
        var known = holders.ToList();
        var sourcesOfStory = members.GroupBy(m => m.StoryId).ToDictionary(g => g.Key, g => g.Select(m => m.SourceId).ToHashSet());
        foreach (var article in articles)
        {
            long? story = null;
            foreach (var holder in known)
            {
                if (holder.SourceId == article.SourceId || holder.StoryId == article.Id || !StoryIdentity.Share(holder.Keys, article.StoryKeys)
                    || (sourcesOfStory.TryGetValue(holder.StoryId, out var sources) && sources.Contains(article.SourceId)))
                {
                    continue;
                }

                story = story is null ? holder.StoryId : Math.Min(story.Value, holder.StoryId);
            }

            article.DuplicateOf = story;
            var joined = story ?? article.Id;
            if (joined > 0 && article.StoryKeys.Count > 0)
            {
                if (!sourcesOfStory.TryGetValue(joined, out var sources))
                {
                    sourcesOfStory[joined] = sources = [];
                }

                sources.Add(article.SourceId);
                known.Add(new StoryHolder(article.Id, article.SourceId, joined, article.StoryKeys));
            }
        }
    }
}
