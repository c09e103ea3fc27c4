using System.Xml;
using System.Xml.Xsl;
using Microsoft.Extensions.FileProviders;

namespace FeedHub.Web;

/// <summary>
/// An Atom or RSS feed as the page a browser shows for it: the feed put through the site's own stylesheet
/// (<c>wwwroot/feed.xsl</c>) here, on the server. Browsers applied it themselves, and Chromium is removing XSLT (it shows
/// a warning over such pages already); a browser's navigation now gets the page the stylesheet makes, and clients
/// without <c>Sec-Fetch-Dest</c> still get the feed naming the stylesheet (see <see cref="FeedsInBrowsers"/>).
/// </summary>
/// <param name="webRoot">The site's static files, <c>feed.xsl</c> among them.</param>
public sealed class FeedPages(IFileProvider webRoot)
{
    private static readonly XmlReaderSettings ReadSettings = new() { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };

    /// <summary>Compiled once, on the first page asked for: no script, no <c>document()</c>, nothing resolved.</summary>
    private readonly Lazy<XslCompiledTransform> _stylesheet = new(() =>
    {
        var stylesheet = new XslCompiledTransform();
        using var file = webRoot.GetFileInfo("feed.xsl").CreateReadStream();
        using var reader = XmlReader.Create(file, ReadSettings);
        stylesheet.Load(reader, XsltSettings.Default, stylesheetResolver: null);
        return stylesheet;
    });

    /// <summary>The page of <paramref name="feed"/> (the feed's bytes as served), in UTF-8.</summary>
    public byte[] Render(byte[] feed)
    {
        using var input = XmlReader.Create(new MemoryStream(feed, writable: false), ReadSettings);
        using var output = new MemoryStream();
        _stylesheet.Value.Transform(input, arguments: null, output);
        return output.ToArray();
    }
}
