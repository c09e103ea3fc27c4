using System.Text;
using FeedHub.Core.Charsets;
using FeedHub.Core.Parser;
using FeedHub.Core.Tests.Fixtures;

namespace FeedHub.Core.Tests.Charsets;

public sealed class CharsetDetectorTests
{
    private readonly FeedReader reader = new();

    [Fact]
    public void Koi8rFeedWithTheCharsetInTheHttpHeader()
    {
        var feed = reader.Read(FeedFixtures.Bytes("feedparser__illformed__chardet__koi8r.xml"), "application/rss+xml; charset=KOI8-R");

        Assert.Null(feed.Error);
        Assert.Equal("Как пережить новогоднюю ночь", Assert.Single(feed.Items).Title);
    }

    [Fact]
    public void ShiftJisFeedWithTheCharsetInTheHttpHeader()
    {
        var feed = reader.Read(FeedFixtures.Bytes("feedparser__illformed__chardet__shiftjis.xml"), "text/xml;charset=\"Shift_JIS\"");

        Assert.Null(feed.Error);
        Assert.Equal("DrecomRSSに記事投稿が反映されない…", Assert.Single(feed.Items).Title);
    }

    [Fact]
    public void Big5FeedWithTheCharsetInTheHttpHeader()
    {
        var feed = reader.Read(FeedFixtures.Bytes("feedparser__illformed__chardet__big5.xml"), "application/atom+xml; charset=big5");

        Assert.StartsWith("我希望", feed.Title, StringComparison.Ordinal);
    }

    [Fact]
    public void EucKrDeclaredInTheXmlDeclaration()
    {
        var feed = reader.Read(FeedFixtures.Bytes("feedparser__encoding__euc-kr.xml"));

        Assert.Null(feed.Error);
        Assert.Equal("년", feed.Title);
    }

    [Fact]
    public void Windows1251DeclaredInTheXmlDeclaration()
    {
        var text = "<?xml version=\"1.0\" encoding=\"windows-1251\"?><rss version=\"2.0\"><channel><title>Новости дня</title></channel></rss>";
        var body = CharsetDetector.FromLabel("windows-1251")!.GetBytes(text);

        var feed = reader.Read(body);

        Assert.Null(feed.Error);
        Assert.Equal("Новости дня", feed.Title);
    }

    [Fact]
    public void HttpCharsetWinsOverTheDeclaration()
    {
        var text = "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><rss version=\"2.0\"><channel><title>Привет</title></channel></rss>";
        var body = CharsetDetector.FromLabel("koi8-r")!.GetBytes(text);

        var detection = CharsetDetector.Detect(body, "text/xml; charset=koi8-r");

        Assert.Equal(CharsetSource.HttpHeader, detection.Source);
        Assert.Equal("Привет", reader.Read(body, "text/xml; charset=koi8-r").Title);
    }

    [Fact]
    public void ByteOrderMarkWinsOverTheDeclarationAndIsSkipped()
    {
        var body = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Zürich</title></feed>")).ToArray();

        var detection = CharsetDetector.Detect(body);
        var feed = reader.Read(body);

        Assert.Equal(CharsetSource.ByteOrderMark, detection.Source);
        Assert.Equal(3, detection.PreambleLength);
        Assert.Equal("Zürich", feed.Title);
    }

    [Fact]
    public void ByteOrderMarkWinsOverTheHttpCharset()
    {
        var body = Encoding.Unicode.GetPreamble()
            .Concat(Encoding.Unicode.GetBytes("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Ünïcode “16”</title><item><title>日本語</title></item></channel></rss>"))
            .ToArray();

        var detection = CharsetDetector.Detect(body, "application/rss+xml; charset=utf-8");
        var feed = reader.Read(body, "application/rss+xml; charset=utf-8");

        Assert.Equal(CharsetSource.ByteOrderMark, detection.Source);
        Assert.Equal(Encoding.Unicode.WebName, detection.Encoding.WebName);
        Assert.Equal("Ünïcode “16”", feed.Title);
        Assert.Equal("日本語", Assert.Single(feed.Items).Title);
    }

    [Fact]
    public void An_8_bit_document_served_as_utf16_is_read_by_its_declaration_and_the_label_is_reported()
    {
        var body = CharsetDetector.FromLabel("windows-1252")!.GetBytes(
            "<?xml version=\"1.0\" encoding=\"windows-1252\"?><rss version=\"2.0\"><channel><title>Café “quoted”</title><item><title>Crème brûlée</title></item></channel></rss>");

        var feed = reader.Read(body, "text/xml; charset=utf-16");

        Assert.Equal("Café “quoted”", feed.Title);
        Assert.Equal("Crème brûlée", Assert.Single(feed.Items).Title);
        Assert.Contains("the server says charset=utf-16 but the bytes are 8-bit", feed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_undeclared_8_bit_document_served_as_utf16_is_sniffed()
    {
        var body = CharsetDetector.FromLabel("windows-1252")!.GetBytes("<rss version=\"2.0\"><channel><title>Café</title></channel></rss>");

        var feed = reader.Read(body, "text/xml; charset=UTF-16LE");

        Assert.Equal("Café", feed.Title);
    }

    [Fact]
    public void Real_utf16_without_a_byte_order_mark_keeps_its_http_charset()
    {
        var body = Encoding.BigEndianUnicode.GetBytes("<rss version=\"2.0\"><channel><title>Grüße</title></channel></rss>");

        Assert.Equal("Grüße", reader.Read(body, "text/xml; charset=utf-16be").Title);
    }

    [Fact]
    public void Utf16WithoutAByteOrderMarkIsSniffed()
    {
        var body = Encoding.Unicode.GetBytes("<?xml version=\"1.0\" encoding=\"utf-16\"?><rss version=\"2.0\"><channel><title>Ünïcode</title></channel></rss>");

        Assert.Equal("Ünïcode", reader.Read(body).Title);
    }

    [Fact]
    public void UndeclaredLatin1BytesAreReadAsWindows1252AndReported()
    {
        var body = CharsetDetector.FromLabel("windows-1252")!.GetBytes("<rss version=\"2.0\"><channel><title>Café “quoted”</title></channel></rss>");

        var feed = reader.Read(body);

        Assert.Equal("Café “quoted”", feed.Title);
        Assert.Equal("not UTF-8 and no encoding declared", feed.Error);
    }

    [Theory]
    [InlineData("feedparser__illformed__chardet__koi8r.xml", "koi8-r", "Как пережить новогоднюю ночь")]
    [InlineData("feedparser__illformed__chardet__shiftjis.xml", "shift_jis", "DrecomRSSに記事投稿が反映されない…")]
    [InlineData("feedparser__illformed__chardet__eucjp.xml", "euc-jp", "ゲーム三昧な正月")]
    [InlineData("feedparser__illformed__chardet__euckr.xml", "euc-kr", "EUC-KR 에서 TypeKey 한글닉네임 표시하기")]
    [InlineData("feedparser__illformed__chardet__gb2312.xml", "gb18030", "不归移民漫画系列：专业工作")]
    [InlineData("feedparser__illformed__chardet__big5.xml", "big5", "我希望")]
    public void UndeclaredLegacyEncodingsAreGuessedFromTheText(string fixture, string encoding, string titleStart)
    {
        var body = FeedFixtures.Bytes(fixture);

        var feed = reader.Read(body);

        Assert.Equal(encoding, CharsetDetector.Detect(body).Encoding.WebName);
        var title = feed.Title ?? feed.Items[0].Title;
        Assert.StartsWith(titleStart, title, StringComparison.Ordinal);
        Assert.Equal("not UTF-8 and no encoding declared", feed.Error);
    }

    [Fact]
    public void UnknownDeclaredEncodingFallsBackToSniffingAndIsReported()
    {
        var body = Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"bogus\"?><rss version=\"2.0\"><channel><title>Ça va</title></channel></rss>");

        var feed = reader.Read(body);

        Assert.Equal("Ça va", feed.Title);
        Assert.Equal("unknown encoding 'bogus' declared", feed.Error);
    }

    [Fact]
    public void HtmlMetaCharsetIsReadForPages()
    {
        var page = CharsetDetector.FromLabel("windows-1251")!.GetBytes("<!DOCTYPE html><html><head><meta charset=\"windows-1251\"><title>Страница</title></head></html>");

        var detection = CharsetDetector.Detect(page);

        Assert.Equal(CharsetSource.Declaration, detection.Source);
        Assert.Contains("Страница", CharsetDetector.Decode(page, detection), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text/html; charset=UTF-8", "UTF-8")]
    [InlineData("text/xml;charset=\"koi8-r\"", "koi8-r")]
    [InlineData("application/rss+xml", null)]
    [InlineData(null, null)]
    public void CharsetParameterOfContentType(string? contentType, string? expected)
        => Assert.Equal(expected, CharsetDetector.CharsetFromContentType(contentType));

    [Fact]
    public void A_page_in_valid_utf8_is_utf8_whatever_its_old_meta_says()
    {
        var page = Encoding.UTF8.GetBytes("<html><head><meta charset=\"iso-8859-1\"></head><body><p>Größe, café, Ελληνικά</p></body></html>");

        var detection = CharsetDetector.DetectPage(page);

        Assert.IsType<UTF8Encoding>(detection.Encoding);
        Assert.Contains("Größe, café, Ελληνικά", CharsetDetector.Decode(page, detection), StringComparison.Ordinal);
    }

    [Fact]
    public void A_page_meta_charset_counts_in_its_own_tag_after_kilobytes_of_head_but_not_in_a_script_or_the_body()
    {
        var windows1251 = CharsetDetector.FromLabel("windows-1251")!;
        var head = "<html><head><script>var s = 'charset=koi8-r';</script>" + string.Concat(Enumerable.Repeat("<meta name=\"x\" content=\"y\">", 200));
        var late = windows1251.GetBytes(head + "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\"></head><body><p>Привет, мир</p></body></html>");
        var inBody = windows1251.GetBytes("<html><head></head><body><meta charset=\"koi8-r\"><p>Привет, мир</p></body></html>");

        Assert.Contains("Привет, мир", CharsetDetector.Decode(late, CharsetDetector.DetectPage(late)), StringComparison.Ordinal);
        Assert.Equal(CharsetSource.Declaration, CharsetDetector.DetectPage(late).Source);
        Assert.NotEqual(CharsetSource.Declaration, CharsetDetector.DetectPage(inBody).Source);
    }

    [Fact]
    public void The_http_charset_of_a_page_wins_over_its_meta_and_a_byte_order_mark_over_both()
    {
        var body = "<html><head><meta charset=\"utf-8\"></head><body><p>Größe</p></body></html>";
        var latin1 = Encoding.GetEncoding(1252).GetBytes(body);
        var withBom = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes(body)).ToArray();

        Assert.Contains("Größe", CharsetDetector.Decode(latin1, CharsetDetector.DetectPage(latin1, "text/html; charset=ISO-8859-1")), StringComparison.Ordinal);
        Assert.Contains("Größe", CharsetDetector.Decode(withBom, CharsetDetector.DetectPage(withBom, "text/html; charset=windows-1252")), StringComparison.Ordinal);
    }
}
