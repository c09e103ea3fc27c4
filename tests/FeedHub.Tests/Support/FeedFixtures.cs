using System.Globalization;
using System.Text;

namespace FeedHub.Tests.Support;

/// <summary>Small feeds written for the tests (items are numbered; item N was published N hours before the newest).</summary>
public static class FeedFixtures
{
    /// <summary>
    /// The newest post: the start of the hour before the run, so the blogs post as usual (hourly) whenever the tests run
    /// (a fixed date would make them stale, as health judges it, a fortnight later).
    /// </summary>
    public static readonly DateTimeOffset Newest = StartOfHour(DateTimeOffset.UtcNow).AddHours(-1);

    public static string Rss(string title, IEnumerable<int> items, string? extraItemXml = null)
    {
        var builder = new StringBuilder();
        builder.Append(CultureInfo.InvariantCulture, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
            <channel><title>{title}</title><link>https://blog.example/</link><description>A test blog</description>
            """);
        foreach (var n in items)
        {
            builder.Append(CultureInfo.InvariantCulture, $"""
                <item><title>Post number {n}</title><link>https://blog.example/posts/{n}</link><guid isPermaLink="false">post-{n}</guid>
                <pubDate>{Newest.AddHours(-n).ToString("R", CultureInfo.InvariantCulture)}</pubDate><dc:creator>Author {n}</dc:creator>
                <description>Summary of post {n}</description><content:encoded><![CDATA[<p>Full text of post {n}.</p>]]></content:encoded></item>
                """);
        }

        builder.Append(extraItemXml).Append("</channel></rss>");
        return builder.ToString();
    }

    private static DateTimeOffset StartOfHour(DateTimeOffset at) => new(at.Year, at.Month, at.Day, at.Hour, 0, 0, TimeSpan.Zero);
}
