using System.Globalization;
using System.Text.Encodings.Web;
using FeedHub.Core.Publishing;
using FeedHub.Core.Storage;
using FeedHub.Web.Components;
using FeedHub.Web.Rendering;
using Microsoft.AspNetCore.Components;

namespace FeedHub.Web.Digests;

/// <summary>
/// A digest day's posts as HTML, written straight to text (<see cref="MarkupBlocks"/>) with the encoder the component
/// renderer uses, in the markup <see cref="DigestDayContent"/> always had. A day of 2,000 posts was about 40,000 render-tree frames, whose building
/// and walking took half of the page's cold time; and the renderer pooled its frame buffers at their peak size.
/// </summary>
public static class DigestDayMarkup
{
    /// <param name="day">The day.</param>
    /// <param name="words">The interface's words, in the page's language.</param>
    /// <param name="clock">The digest's time zone, for each post's time of day.</param>
    /// <param name="encoder">Encodes text and attribute values, as the renderer does.</param>
    /// <param name="origin">The site's address for absolute links (feeds); empty within the site.</param>
    /// <param name="linkToPages">Whether posts link to their page on FeedHub (true) or to the original (feeds).</param>
    public static RenderFragment Write(DigestDay day, Words words, Digest clock, HtmlEncoder encoder, string origin, bool linkToPages)
    {
        var blocks = new MarkupBlocks();
        var output = blocks.Output;
        var by = words.By.IndexOf("{0}", StringComparison.Ordinal);
        var alsoOn = words.AlsoOn.IndexOf("{0}", StringComparison.Ordinal);
        foreach (var category in day.Categories)
        {
            output.Write("<section><h2 dir=\"auto\">");
            encoder.Encode(output, category.Name ?? words.Uncategorised);
            output.Write(" <span class=\"count\">(");
            encoder.Encode(output, category.ArticleCount.ToString("N0", CultureInfo.CurrentCulture));
            output.Write(")</span></h2>");
            foreach (var source in category.Sources)
            {
                output.Write("<h3><a href=\"");
                encoder.Encode(output, $"{origin}/?source={source.Source.Id}");
                output.Write("\" dir=\"auto\">");
                encoder.Encode(output, source.Source.Name);
                output.Write("</a> <span class=\"count\">(");
                encoder.Encode(output, source.Articles.Count.ToString("N0", CultureInfo.CurrentCulture));
                output.Write(")</span></h3>\n            <ul>");
                foreach (var article in source.Articles)
                {
                    WritePost(output, article);
                    blocks.Break();
                }

                output.Write("</ul>");
            }

            output.Write("</section>");
        }

        return blocks.ToFragment();

        void WritePost(TextWriter output, DigestPost article)
        {
            output.Write("<li data-entry><a data-open href=\"");
            encoder.Encode(output, linkToPages || article.Link is null ? $"{origin}/articles/{article.Id}" : article.Link);
            output.Write('"');
            if (article.Language is not null)
            {
                output.Write(" lang=\"");
                encoder.Encode(output, article.Language);
                output.Write('"');
            }

            output.Write(" dir=\"");
            output.Write(TextDirection.Of(article.Language));
            output.Write("\">");
            encoder.Encode(output, article.Title ?? words.Untitled);
            output.Write("</a>");
            if (article.Author is not null)
            {
                // "by {0}" with the author's name in a bdi, as the Phrase component writes it.
                output.Write("<span class=\"count\">");
                encoder.Encode(output, by < 0 ? words.By : words.By[..by]);
                if (by >= 0)
                {
                    output.Write("<bdi>");
                    encoder.Encode(output, article.Author);
                    output.Write("</bdi>");
                    encoder.Encode(output, words.By[(by + 3)..]);
                }

                output.Write("</span>");
            }

            output.Write("<span class=\"count\"><time datetime=\"");
            output.Write(LocalTime.Machine(article.SortDate));
            output.Write("\" data-local=\"time\">");
            encoder.Encode(output, LocalTime.TimeOfDay(clock, article.SortDate));
            output.Write("</time></span>");
            if (day.AlsoOn.TryGetValue(article.Id, out var others))
            {
                // "Also on {0}" with the other sources' links, as the river's items write it.
                output.Write("<span class=\"count also\">");
                encoder.Encode(output, alsoOn < 0 ? words.AlsoOn : words.AlsoOn[..alsoOn]);
                for (var i = 0; i < others.Count && alsoOn >= 0; i++)
                {
                    output.Write(i == 0 ? "<a href=\"" : ", <a href=\"");
                    encoder.Encode(output, $"{origin}/?source={others[i].Id}");
                    output.Write("\"><bdi>");
                    encoder.Encode(output, others[i].Name);
                    output.Write("</bdi></a>");
                }

                encoder.Encode(output, alsoOn < 0 ? string.Empty : words.AlsoOn[(alsoOn + 3)..]);
                output.Write("</span>");
            }

            output.Write("</li>");
        }
    }

    /// <summary>The interface's words a day's list uses, looked up once for the day.</summary>
    /// <param name="By">"by {0}", {0} for the author's name.</param>
    /// <param name="AlsoOn">"Also on {0}", {0} for the other sources that told the story.</param>
    public sealed record Words(string Uncategorised, string Untitled, string By, string AlsoOn);
}
