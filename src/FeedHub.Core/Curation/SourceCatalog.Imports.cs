using System.Net;
using FeedHub.Core.Fetcher;
using FeedHub.Core.Model;
using FeedHub.Core.Polling;
using FeedHub.Core.Opml;
using FeedHub.Core.Urls;

namespace FeedHub.Core.Curation;

public sealed partial class SourceCatalog
{
    /// <summary>
    /// How many sources of a list are stored together: few enough that the progress moves on a large list and a store
    /// holds no more than this in one transaction, many enough that the store's round trips are not the cost.
    /// </summary>
    private const int ImportPart = 1000;

    /// <summary>
    /// Subscribes to every feed of an OPML list that is not already subscribed (nor listed earlier in the file), as
    /// one batch that <see cref="UndoImportAsync"/> can take back. FeedHub's own settings in the list (an export of
    /// FeedHub's) are restored. Feeds are not fetched here: addresses that are private by their very form (loopback,
    /// private and link-local IP addresses, localhost) are refused like an add refuses them, host names are checked
    /// again at every connection, and the rest is checked on each feed's first poll, scheduled now.
    /// Nothing is stored on a dry run, nor when the list would add more than <see cref="OpmlImportOptions.MaxSources"/>.
    /// <paramref name="progress"/> receives the number of sources added so far.
    /// </summary>
    public async Task<OpmlImportReport> ImportAsync(OpmlDocument opml, OpmlImportOptions options, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        var known = (await store.ListSourcesAsync(cancellationToken).ConfigureAwait(false))
            .ToDictionary(s => UrlNormalizer.ForIdentity(s.FeedUrl), s => s.Id, StringComparer.Ordinal);
        var firstLine = new Dictionary<string, int>(StringComparer.Ordinal);
        var invalid = new List<OpmlProblem>(opml.Problems);
        var duplicates = new List<OpmlProblem>();
        var planned = new List<(Source Source, int Line)>();
        foreach (var feed in opml.Feeds)
        {
            var identity = UrlNormalizer.ForIdentity(feed.FeedUrl);
            if (firstLine.TryGetValue(identity, out var line))
            {
                duplicates.Add(new OpmlProblem(feed.Line, $"{FeedAddress.Shown(feed.FeedUrl)} is listed already on line {line}"));
                continue;
            }

            if (known.TryGetValue(identity, out var existingId))
            {
                duplicates.Add(new OpmlProblem(feed.Line, $"{FeedAddress.Shown(feed.FeedUrl)} is already subscribed as source {existingId}"));
                continue;
            }

            var (source, problem) = Planned(feed);
            if (problem is not null)
            {
                invalid.Add(new OpmlProblem(feed.Line, problem));
                continue;
            }

            firstLine[identity] = feed.Line;
            planned.Add((source!, feed.Line));
        }

        invalid.Sort((a, b) => a.Line.CompareTo(b.Line));
        if (options.MaxSources is { } max && planned.Count > max)
        {
            return new OpmlImportReport(null, 0, planned.Count, invalid, duplicates,
                $"the list would add {planned.Count} sources, more than the {max} allowed; nothing was imported");
        }

        if (options.DryRun || planned.Count == 0)
        {
            return new OpmlImportReport(null, 0, planned.Count, invalid, duplicates, null);
        }

        var batch = await store.AddImportBatchAsync(
            new ImportBatch { Origin = options.Origin, CreatedAt = timeProvider.GetUtcNow() }, cancellationToken).ConfigureAwait(false);
        var due = new List<DuePoll>(planned.Count);
        foreach (var part in planned.Chunk(ImportPart))
        {
            foreach (var (source, _) in part)
            {
                source.ImportBatch = batch.Id;
            }

            var stored = await store.AddSourcesAsync([.. part.Select(p => p.Source)], cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < part.Length; i++)
            {
                var (source, line) = part[i];
                // A curator (or another import) may have added the feed since the list was checked: the store keeps theirs.
                if (!ReferenceEquals(stored[i], source))
                {
                    duplicates.Add(new OpmlProblem(line, $"{FeedAddress.Shown(source.FeedUrl)} is already subscribed as source {stored[i].Id}"));
                    continue;
                }

                batch.Added++;
                if (source.State == SourceState.Active)
                {
                    due.Add(new DuePoll(source.Id, source.Fetch.NextPollAt!.Value));
                }
            }

            progress?.Report(batch.Added);
        }

        // Queued together once all are stored, so every free worker takes a share of the list from the start.
        await scheduler.ScheduleAsync(due, cancellationToken).ConfigureAwait(false);
        await store.UpdateImportBatchAsync(batch, cancellationToken).ConfigureAwait(false);
        progress?.Report(batch.Added);
        duplicates.Sort((a, b) => a.Line.CompareTo(b.Line));
        return new OpmlImportReport(batch.Id, batch.Added, planned.Count, invalid, duplicates, null);
    }

    /// <summary>The most recent imports, newest first, with how many of their sources remain.</summary>
    public Task<IReadOnlyList<ImportBatch>> ListImportsAsync(int limit, CancellationToken cancellationToken)
        => store.ListImportBatchesAsync(limit, cancellationToken);

    /// <summary>
    /// Undoes an import: unsubscribes every source it added that is still there, removing their articles. Returns how
    /// many sources were removed, or null when there is no such import.
    /// </summary>
    public async Task<int?> UndoImportAsync(long batchId, CancellationToken cancellationToken)
    {
        if (await store.RemoveImportBatchAsync(batchId, cancellationToken).ConfigureAwait(false) is not { } removed)
        {
            return null;
        }

        foreach (var id in removed)
        {
            await scheduler.UnscheduleAsync(id, cancellationToken).ConfigureAwait(false);
        }

        return removed.Count;
    }

    /// <summary>The source an outline would add, or why it cannot be added.</summary>
    private (Source? Source, string? Problem) Planned(OpmlFeed feed)
    {
        if (RefusedByForm(new Uri(feed.FeedUrl)) is { } refused)
        {
            return (null, refused);
        }

        if (feed.Settings is not { } restored)
        {
            return (NewSource(feed.FeedUrl, feed.Title, feed.SiteUrl, feed.Categories), null);
        }

        // A FeedHub export names the source by its display name when it has one; the feed's own title comes back on the first poll.
        var source = NewSource(feed.FeedUrl, restored.DisplayName is null ? feed.Title : null, feed.SiteUrl, feed.Categories);
        var settings = new SourceSettings
        {
            DisplayName = restored.DisplayName,
            Extraction = restored.Extraction,
            ExtractionSelector = restored.ExtractionSelector,
            MinInterval = restored.MinIntervalMinutes is { } min ? TimeSpan.FromMinutes(min) : null,
            MaxInterval = restored.MaxIntervalMinutes is { } max ? TimeSpan.FromMinutes(max) : null,
        };
        if (settings.Problem(source, polling.Value) is { } problem)
        {
            return (null, $"{FeedAddress.Shown(feed.FeedUrl)}: {problem}");
        }

        settings.ApplyTo(source);
        source.State = restored.State;
        return (source, null);
    }

    /// <summary>
    /// The add-time private-network check that needs no name lookup: an address written as a loopback, private,
    /// link-local or reserved IP, or a localhost name. Null when allowed (or when private networks are allowed).
    /// </summary>
    private string? RefusedByForm(Uri url)
    {
        if (fetcherOptions.Value.AllowPrivateNetworks)
        {
            return null;
        }

        var host = url.IdnHost.Trim('[', ']');
        var isPrivate = host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
                        || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
                        || (IPAddress.TryParse(host, out var address) && !PrivateNetworkGuard.IsPublic(address));
        return isPrivate
            ? $"{url.AbsoluteUri}: {host} is a private, loopback or link-local address that FeedHub does not fetch from; {PrivateNetworkGuard.HowToAllow}"
            : null;
    }
}

/// <summary>How an OPML import runs.</summary>
/// <param name="Origin">Where the list came from, in words (a file name, "API", "admin page"), kept with the batch.</param>
/// <param name="DryRun">Check and report only; store nothing.</param>
/// <param name="MaxSources">Refuse the whole list when it would add more sources than this.</param>
public sealed record OpmlImportOptions(string Origin, bool DryRun = false, int? MaxSources = null);

/// <summary>
/// What an import did: the batch it created (null when nothing was stored), how many sources it added (and would add,
/// for a dry run or a refused list), the invalid entries first (they need the curator's attention), then the duplicates.
/// </summary>
public sealed record OpmlImportReport(
    long? BatchId,
    int Added,
    int WouldAdd,
    IReadOnlyList<OpmlProblem> Invalid,
    IReadOnlyList<OpmlProblem> Duplicates,
    string? Refused);
