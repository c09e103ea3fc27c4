using System.Security.Cryptography;
using FeedHub.Core.Publishing;
using FeedHub.Core.Storage;
using FeedHub.Web.Rendering;

namespace FeedHub.Web.Digests;

/// <summary>
/// The digest feed's entries kept rendered, one per finished day, public origin and escaping, as the format writes the
/// content (escaped, in UTF-8), kept only deflated (see <see cref="GzipSegments"/>): a day is read, rendered and
/// compressed again only when its own articles (or what readers see of the sources) change, so at midnight the feed
/// renders one new day, not all of them, and a new post today renders none. Deflated, two weeks take about a sixth of
/// their bytes as written; a client that refuses gzip (rare) gets the feed inflated as it is sent.
/// </summary>
/// <param name="store">The store the days are read from.</param>
/// <param name="maxBytes">What the kept entries may take in all (<see cref="MaxBytes"/>; smaller in tests).</param>
public sealed class DigestFeedEntries(IFeedStore store, long maxBytes = DigestFeedEntries.MaxBytes)
{
    /// <summary>Two weeks in two escapings (XML, JSON) for a handful of origins; past that (hosts named by requests) the entries start over.</summary>
    private const int MaxEntries = 256;

    /// <summary>
    /// What the kept entries may take in all: two weeks of 2,000 posts a day are about 40 MB in both escapings as
    /// written (far less deflated), and the count alone let requests naming other hosts keep 256 days of a megabyte and more.
    /// </summary>
    internal const long MaxBytes = 96L * 1024 * 1024;

    private readonly BoundedCache<(DateOnly Day, string Origin, Func<string, byte[]> Escaping), Entry> _entries = new(MaxEntries, maxBytes, entry => entry.Bytes);

    /// <summary>A day's entry: its end, last change and content, from memory when the day is unchanged.</summary>
    /// <param name="render">Renders the entry's content (HTML) from the day.</param>
    public async Task<Entry> GetAsync(
        Digest digest, DateOnly date, Uri origin, SyndicationFormat format, Func<DigestDay, Task<string>> render, CancellationToken cancellationToken)
    {
        var (start, end) = digest.Bounds(date);
        var version = await store.GetContentVersionAsync([.. ContentScope.Hours(start, end)], cancellationToken);
        // Atom and RSS write their content alike (the same delegate): one entry serves both.
        var key = (date, origin.AbsoluteUri, format.WriteText);
        if (_entries.TryGetValue(key, out var kept) && kept.Version == version)
        {
            return kept;
        }

        var day = await digest.ReadDayAsync(date, cancellationToken);
        var content = format.WriteText(await render(day));
        var entry = new Entry(version, day.End, day.LastChange, GzipSegments.Deflate(content), SHA256.HashData(content));
        _entries.Set(key, entry);

        return entry;
    }

    /// <summary>Forgets the days before <paramref name="first"/>: they have left the feed.</summary>
    public void ForgetBefore(DateOnly first) => _entries.RemoveWhere(key => key.Day < first);

    /// <param name="Content">The entry's content as its format writes it, in UTF-8, deflated to a byte boundary (see <see cref="GzipSegments.Deflate"/>).</param>
    /// <param name="ContentHash">The SHA-256 of the content as written, which the feed's ETag is made from.</param>
    public sealed record Entry(long Version, DateTimeOffset End, DateTimeOffset? LastChange, GzipSegments.Segment Content, byte[] ContentHash)
    {
        public long Bytes => Content.Deflated.LongLength + ContentHash.LongLength;
    }
}
