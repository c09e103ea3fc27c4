using FeedHub.Core.Publishing;

namespace FeedHub.Web;

/// <summary>
/// The three formats every served feed comes in: its file extension, its writer, its media type, and how it writes a
/// text (an entry's content) in UTF-8.
/// </summary>
public sealed record SyndicationFormat(string Extension, Func<PublishedFeed, byte[]> Write, string MediaType, Func<string, byte[]> WriteText)
{
    public static readonly SyndicationFormat Atom = new("atom", SyndicationWriter.Atom, SyndicationWriter.AtomMediaType, SyndicationWriter.XmlText);
    public static readonly SyndicationFormat Rss = new("rss", SyndicationWriter.Rss, SyndicationWriter.RssMediaType, SyndicationWriter.XmlText);
    public static readonly SyndicationFormat Json = new("json", SyndicationWriter.Json, SyndicationWriter.JsonFeedMediaType, SyndicationWriter.JsonText);

    public static readonly IReadOnlyList<SyndicationFormat> All = [Atom, Rss, Json];

    public static SyndicationFormat? OfExtension(string extension) => All.FirstOrDefault(f => f.Extension == extension);
}
