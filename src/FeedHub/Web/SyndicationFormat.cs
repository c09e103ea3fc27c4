using FeedHub.Core.Publishing;

namespace FeedHub.Web;

/// <summary>The three formats every served feed comes in: its file extension, its writer and its media type.</summary>
public sealed record SyndicationFormat(string Extension, Func<PublishedFeed, byte[]> Write, string MediaType)
{
    public static readonly SyndicationFormat Atom = new("atom", SyndicationWriter.Atom, SyndicationWriter.AtomMediaType);
    public static readonly SyndicationFormat Rss = new("rss", SyndicationWriter.Rss, SyndicationWriter.RssMediaType);
    public static readonly SyndicationFormat Json = new("json", SyndicationWriter.Json, SyndicationWriter.JsonFeedMediaType);

    public static readonly IReadOnlyList<SyndicationFormat> All = [Atom, Rss, Json];

    public static SyndicationFormat? OfExtension(string extension) => All.FirstOrDefault(f => f.Extension == extension);
}
