using FeedHub.Core.Fetcher;
using FeedHub.Core.Ingest;
using FeedHub.Core.Model;
using FeedHub.Core.Opml;
using FeedHub.Core.Parser;
using FeedHub.Core.Storage;

namespace FeedHub.Core.Curation;

/// <summary>Curator work on sources, shared by the command line and the API: add (checked and previewed), list, remove.</summary>
public sealed class SourceCatalog(IFeedStore store, FeedFetcher fetcher, FeedReader reader, TimeProvider timeProvider)
{
    /// <summary>
    /// Adds a feed after checking that FeedHub may fetch it, that it is not already subscribed, and that it answers
    /// with a feed. Nothing is stored when any check fails.
    /// </summary>
    public async Task<AddSourceResult> AddAsync(string url, IReadOnlyList<string> categories, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var feedUrl))
        {
            return AddSourceResult.Refused($"'{url}' is not an absolute address; give it with http:// or https://");
        }

        if (await fetcher.CheckUrlAsync(feedUrl, cancellationToken).ConfigureAwait(false) is { } refused)
        {
            return AddSourceResult.Refused(refused);
        }

        if (await store.FindSourceByFeedUrlAsync(feedUrl.AbsoluteUri, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            return AddSourceResult.Duplicate(existing);
        }

        var fetched = await fetcher.FetchAsync(new FetchRequest(feedUrl), cancellationToken).ConfigureAwait(false);
        if (fetched.Outcome != FetchOutcome.Ok)
        {
            return AddSourceResult.Refused($"{feedUrl} cannot be subscribed: {fetched.Error}");
        }

        var document = reader.Read(fetched.Body, fetched.ContentType, fetched.FinalUrl ?? feedUrl);
        if (!document.IsFeed)
        {
            return AddSourceResult.Refused($"{feedUrl} is not a feed: {document.Error ?? "no RSS, Atom or JSON feed found"}");
        }

        var source = NewSource(feedUrl.AbsoluteUri, HtmlText.Of(document.Title, 300), document.Link, categories);
        await store.AddSourceAsync(source, cancellationToken).ConfigureAwait(false);
        return AddSourceResult.Added(source, document);
    }

    /// <summary>Adds every feed of an OPML list that is not already subscribed, without fetching them.</summary>
    public async Task<OpmlImportReport> ImportAsync(OpmlDocument opml, CancellationToken cancellationToken)
    {
        var added = 0;
        var skipped = new List<OpmlProblem>();
        foreach (var feed in opml.Feeds)
        {
            if (await store.FindSourceByFeedUrlAsync(feed.FeedUrl, cancellationToken).ConfigureAwait(false) is not null)
            {
                skipped.Add(new OpmlProblem(feed.Line, $"{feed.FeedUrl} is already subscribed"));
                continue;
            }

            await store.AddSourceAsync(NewSource(feed.FeedUrl, feed.Title, feed.SiteUrl, feed.Categories), cancellationToken).ConfigureAwait(false);
            added++;
        }

        return new OpmlImportReport(added, skipped, opml.Problems);
    }

    private Source NewSource(string feedUrl, string? title, string? siteUrl, IReadOnlyList<string> categories)
    {
        var now = timeProvider.GetUtcNow();
        return new Source
        {
            FeedUrl = feedUrl,
            Title = title,
            SiteUrl = siteUrl,
            Categories = categories.Select(c => c.Trim()).Where(c => c.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
            CreatedAt = now,
            Fetch = new FetchState { NextPollAt = now },
        };
    }
}

public sealed record AddSourceResult(AddSourceStatus Status, Source? Source, FeedDocument? Preview, string? Error)
{
    public static AddSourceResult Added(Source source, FeedDocument preview) => new(AddSourceStatus.Added, source, preview, null);

    public static AddSourceResult Duplicate(Source existing)
        => new(AddSourceStatus.AlreadySubscribed, existing, null, $"{existing.FeedUrl} is already subscribed as source {existing.Id} ({existing.Name})");

    public static AddSourceResult Refused(string error) => new(AddSourceStatus.Refused, null, null, error);
}

public enum AddSourceStatus
{
    Added,
    AlreadySubscribed,
    Refused,
}

public sealed record OpmlImportReport(int Added, IReadOnlyList<OpmlProblem> Duplicates, IReadOnlyList<OpmlProblem> Invalid);
