using System.ServiceModel.Syndication;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml;

namespace FeedHub.Tests.Support;

/// <summary>One entry as a subscriber's client sees it: id, link, title and the sources FeedHub credits.</summary>
public sealed record WalkedEntry(string Id, string Link, string Title, IReadOnlyList<string> Sources);

/// <summary>Walks a served feed (following RFC 5005 <c>next</c> links, or JSON Feed's <c>next_url</c>) or the reading list page by page.</summary>
public static partial class FeedWalk
{
    /// <summary>Every page of a feed from its first, each page's entries in order.</summary>
    public static async Task<List<List<WalkedEntry>>> FeedAsync(HttpClient http, string path, int maxPages = 20)
    {
        var pages = new List<List<WalkedEntry>>();
        Uri? next = new(http.BaseAddress!, path);
        while (next is not null && pages.Count < maxPages)
        {
            var body = await http.GetByteArrayAsync(next);
            (var entries, next) = path.Split('?')[0].EndsWith(".json", StringComparison.Ordinal) ? ReadJson(body) : ReadXml(body);
            pages.Add(entries);
        }

        return pages;
    }

    /// <summary>Every page of the reading list from <paramref name="path"/>, as the article ids each page lists.</summary>
    public static async Task<List<List<long>>> RiverAsync(HttpClient http, string path, int maxPages = 20)
    {
        var pages = new List<List<long>>();
        string? next = path;
        while (next is not null && pages.Count < maxPages)
        {
            var html = await http.GetStringAsync(next);
            pages.Add([.. ArticleLink().Matches(html).Select(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))]);
            var older = NextLink().Match(html);
            next = older.Success ? System.Net.WebUtility.HtmlDecode(older.Groups[1].Success ? older.Groups[1].Value : older.Groups[2].Value) : null;
        }

        return pages;
    }

    private static (List<WalkedEntry>, Uri?) ReadJson(byte[] body)
    {
        using var json = JsonDocument.Parse(body);
        var entries = json.RootElement.GetProperty("items").EnumerateArray().Select(item => new WalkedEntry(
            item.GetProperty("id").GetString()!,
            item.GetProperty("url").GetString()!,
            item.GetProperty("title").GetString()!,
            [.. item.GetProperty("_feedhub_sources").EnumerateArray().Select(s => s.GetProperty("title").GetString()!)])).ToList();
        return (entries, json.RootElement.TryGetProperty("next_url", out var next) ? new Uri(next.GetString()!) : null);
    }

    private static (List<WalkedEntry>, Uri?) ReadXml(byte[] body)
    {
        using var xml = XmlReader.Create(new MemoryStream(body));
        var feed = SyndicationFeed.Load(xml);
        var entries = feed.Items.Select(item => new WalkedEntry(
            item.Id,
            item.Links.First(l => l.RelationshipType is null or "alternate").Uri.AbsoluteUri,
            item.Title.Text,
            item.SourceFeed is null ? [] : [item.SourceFeed.Title.Text])).ToList();
        return (entries, feed.Links.FirstOrDefault(l => l.RelationshipType == "next")?.Uri);
    }

    [GeneratedRegex("<a data-open href=\"/articles/(\\d+)\"", RegexOptions.NonBacktracking)]
    private static partial Regex ArticleLink();

    [GeneratedRegex("""<a (?:rel="next" href="([^"]+)"|href="([^"]+)" rel="next")""", RegexOptions.NonBacktracking)]
    private static partial Regex NextLink();
}
