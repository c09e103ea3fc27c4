using FeedHub.Core.Publishing;
using FeedHub.Storage.LiteDb;
using FeedHub.Tests.Support;
using FeedHub.Web;
using FeedHub.Web.Digests;
using Microsoft.Extensions.Options;

namespace FeedHub.Tests.Web;

/// <summary>The digest feed's kept entries: one per day and escaping, within their bytes.</summary>
public sealed class DigestFeedEntriesTests : IDisposable
{
    private static readonly Uri Origin = new("https://feedhub.example/");
    private readonly string _data = Directory.CreateTempSubdirectory("feedhub-digest-entries-").FullName;
    private readonly LiteDbFeedStore _store;
    private readonly List<DateOnly> _renders = [];

    public DigestFeedEntriesTests() => _store = new LiteDbFeedStore(Path.Combine(_data, "feedhub.db"), new LiteDbSearchOptions { Enabled = false });

    [Fact]
    public async Task Days_are_rendered_once_for_atom_and_rss_and_again_once_past_the_bytes_kept()
    {
        var digest = new Digest(_store, Options.Create(new DigestOptions()), TimeProvider.System);
        var source = await StoreSeeder.SourceAsync(_store, "Daily Notes", "Notes");
        DateOnly[] days = [new(2025, 3, 4), new(2025, 3, 5)];
        foreach (var day in days)
        {
            await StoreSeeder.ArticleAsync(_store, source, $"Post of {day:yyyy-MM-dd}", digest.Bounds(day).Start.AddHours(1));
        }

        var roomy = new DigestFeedEntries(_store);
        foreach (var format in new[] { SyndicationFormat.Atom, SyndicationFormat.Rss, SyndicationFormat.Atom })
        {
            await GetAllAsync(roomy, digest, days, format);
        }

        await GetAllAsync(roomy, digest, days, SyndicationFormat.Json);
        Assert.Equal<DateOnly>([.. days, .. days], _renders);

        // Room for one day's entry (600 random hexadecimal digits, about 330 bytes deflated, and its hash), not two:
        // each day pushes the other out; with room for two, they stay.
        _renders.Clear();
        var small = new DigestFeedEntries(_store, maxBytes: 600);
        await GetAllAsync(small, digest, days, SyndicationFormat.Atom);
        await GetAllAsync(small, digest, days, SyndicationFormat.Atom);
        Assert.Equal<DateOnly>([.. days, .. days], _renders);

        _renders.Clear();
        var two = new DigestFeedEntries(_store, maxBytes: 900);
        await GetAllAsync(two, digest, days, SyndicationFormat.Atom);
        await GetAllAsync(two, digest, days, SyndicationFormat.Atom);
        Assert.Equal<DateOnly>(days, _renders);
    }

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_data, recursive: true);
    }

    private async Task GetAllAsync(DigestFeedEntries entries, Digest digest, DateOnly[] days, SyndicationFormat format)
    {
        foreach (var day in days)
        {
            await entries.GetAsync(digest, day, Origin, format, Render, default);
        }
    }

    private Task<string> Render(DigestDay day)
    {
        _renders.Add(day.Date);
        return Task.FromResult(System.Security.Cryptography.RandomNumberGenerator.GetHexString(600));
    }
}
