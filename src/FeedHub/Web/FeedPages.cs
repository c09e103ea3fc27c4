using System.Security.Cryptography;
using System.Text;
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

    /// <summary>
    /// Compiled once, on the first page asked for: no script, no <c>document()</c>, nothing resolved. A failed load is
    /// tried again at the next page rather than kept.
    /// </summary>
    private readonly Lazy<(XslCompiledTransform Stylesheet, XmlWriterSettings Output, string Version)> _stylesheet = new(() =>
    {
        using var file = new MemoryStream();
        using (var read = webRoot.GetFileInfo("feed.xsl").CreateReadStream())
        {
            read.CopyTo(file);
        }

        file.Position = 0;
        var stylesheet = new XslCompiledTransform();
        using var reader = XmlReader.Create(file, ReadSettings);
        stylesheet.Load(reader, XsltSettings.Default, stylesheetResolver: null);
        // UTF-8 without the byte order mark the stylesheet's output encoding would write first.
        var output = stylesheet.OutputSettings!.Clone();
        output.Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        return (stylesheet, output, Convert.ToHexStringLower(SHA256.HashData(file.ToArray()))[..8]);
    }, LazyThreadSafetyMode.PublicationOnly);

    /// <summary>Names the stylesheet's content: a page's tag carries it, so a new stylesheet is a new page to browsers.</summary>
    public string Version => _stylesheet.Value.Version;

    /// <summary>The page of <paramref name="feed"/> (the feed's bytes as served), in UTF-8.</summary>
    public byte[] Render(byte[] feed)
    {
        var (stylesheet, settings, _) = _stylesheet.Value;
        using var input = XmlReader.Create(new MemoryStream(feed, writable: false), ReadSettings);
        using var output = new MemoryStream();
        using (var writer = XmlWriter.Create(output, settings))
        {
            stylesheet.Transform(input, arguments: null, writer);
        }

        return output.ToArray();
    }
}
