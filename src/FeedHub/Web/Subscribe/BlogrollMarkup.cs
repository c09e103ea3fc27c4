using System.Globalization;
using System.Text.Encodings.Web;
using FeedHub.Core.Model;
using FeedHub.Web.Layout;
using FeedHub.Web.Rendering;
using Microsoft.AspNetCore.Components;

namespace FeedHub.Web.Subscribe;

/// <summary>
/// The blogroll's sources as HTML, by category, written straight to text (<see cref="MarkupBlocks"/>) with the encoder
/// the component renderer uses: as components, 10,000 sources were about 200,000 render-tree frames, half of the
/// page's cold time, and buffers the renderer pooled at that size.
/// </summary>
public static class BlogrollMarkup
{
    /// <param name="sources">The active sources.</param>
    /// <param name="words">The interface's words, in the page's language.</param>
    /// <param name="encoder">Encodes text and attribute values, as the renderer does.</param>
    public static RenderFragment Write(IReadOnlyCollection<SourceOutline> sources, Words words, HtmlEncoder encoder)
    {
        var blocks = new MarkupBlocks();
        var output = blocks.Output;
        var atom = encoder.Encode(AlternateFeed.Atom);
        foreach (var group in Groups(sources))
        {
            output.Write("<section><h2 dir=\"auto\">");
            encoder.Encode(output, group.Key ?? words.Uncategorised);
            output.Write(" <span class=\"count\">(");
            encoder.Encode(output, group.Count().ToString("N0", CultureInfo.CurrentCulture));
            output.Write(")</span></h2>\n            <ul class=\"blogroll\">");
            foreach (var source in group)
            {
                output.Write("<li><a class=\"name\" href=\"");
                encoder.Encode(output, source.SiteUrl ?? source.FeedUrl);
                output.Write("\" rel=\"noopener noreferrer\" dir=\"auto\">");
                encoder.Encode(output, source.Name);
                output.Write("</a>\n                        <span class=\"meta links\"><a href=\"");
                encoder.Encode(output, source.FeedUrl);
                output.Write("\" rel=\"noopener noreferrer\">");
                encoder.Encode(output, words.ItsFeed);
                output.Write("</a><a href=\"/?source=");
                output.Write(source.Id.ToString(CultureInfo.InvariantCulture));
                output.Write("\">");
                encoder.Encode(output, words.PostsHere);
                output.Write("</a><a href=\"/feed.atom?source=");
                output.Write(source.Id.ToString(CultureInfo.InvariantCulture));
                output.Write("\" type=\"");
                output.Write(atom);
                output.Write("\">");
                encoder.Encode(output, words.FeedHere);
                output.Write("</a></span></li>");
                blocks.Break();
            }

            output.Write("</ul></section>");
        }

        return blocks.ToFragment();
    }

    /// <summary>By first category, as in the OPML file; the uncategorised last.</summary>
    private static IEnumerable<IGrouping<string?, SourceOutline>> Groups(IEnumerable<SourceOutline> sources) => sources
        .OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase)
        .GroupBy(s => s.Categories is [var first, ..] ? first : null)
        .OrderBy(g => g.Key is null ? 1 : 0).ThenBy(g => g.Key, StringComparer.OrdinalIgnoreCase);

    /// <summary>The interface's words the list uses, looked up once.</summary>
    public sealed record Words(string Uncategorised, string ItsFeed, string PostsHere, string FeedHere);
}
