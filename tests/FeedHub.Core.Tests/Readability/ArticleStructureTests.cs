using FeedHub.Core.Readability;

namespace FeedHub.Core.Tests.Readability;

/// <summary>
/// One kind of page structure per test, on small pages written for it: where the article is (whatever wraps it),
/// which blocks next to it belong to it (leads, standfirsts) and which are furniture (notices, datelines, captions,
/// closing sections).
/// </summary>
public sealed class ArticleStructureTests
{
    private static readonly string[] Body =
    [
        "The council met on Tuesday evening to discuss the new cycling lanes, which have divided the town since spring.",
        "Supporters say the lanes make the school run safer, while shop owners worry that parking spaces will disappear.",
        "After three hours of debate, the council agreed to a trial of six months, with a review of traffic figures in autumn.",
        "The mayor said the decision was a compromise, and that residents would be asked again before anything was final.",
        "Work on the first section starts next month, and the council expects the whole trial route to open by the summer.",
    ];

    private static string Paragraphs => string.Concat(Body.Select(p => $"<p>{p}</p>"));

    private static string Extract(string html) => ArticleExtractor.Shared.Extract(html, null).Text;

    private static void AssertWholeBody(string text) =>
        Assert.All(Body, paragraph => Assert.Contains(paragraph, text, StringComparison.Ordinal));

    [Fact]
    public void AnUnclosedBannerAroundTheMainLandmarkDoesNotTakeTheArticleWithIt()
    {
        var html = $"""
            <html><body><header role="banner"><a href="/">Town News</a>
            <main role="main"><article>{Paragraphs}</article></main>
            </body></html>
            """;

        AssertWholeBody(Extract(html));
    }

    [Fact]
    public void NoscriptHoldingThePagesTextIsTheArticle()
    {
        var html = $"""<html><body><div id="app"></div><noscript><div class="page"><h1>Cycling lanes</h1>{Paragraphs}</div></noscript></body></html>""";

        AssertWholeBody(Extract(html));
    }

    [Fact]
    public void NoscriptWithAMessageOnlyIsDropped()
    {
        var html = $"""<html><body><noscript><p>Please enable JavaScript in your browser to use every feature of this site.</p></noscript><article>{Paragraphs}</article></body></html>""";

        var text = Extract(html);

        AssertWholeBody(text);
        Assert.DoesNotContain("enable JavaScript", text, StringComparison.Ordinal);
    }

    [Fact]
    public void RubyReadingsDoNotSplitTheWordsTheyAnnotate()
    {
        var sentence = "<p><ruby>子<rt>こ</rt></ruby>どもへの<ruby>虐待<rp>(</rp><rt>ぎゃくたい</rt><rp>)</rp></ruby>をなくすための<ruby>法律<rt>ほうりつ</rt></ruby>ができて、親が子どもを教育するために体罰を禁止することになりました。</p>";
        var html = "<html><body><article>" + string.Concat(Enumerable.Repeat(sentence, 4)) + "</article></body></html>";

        var text = Extract(html);

        Assert.Contains("子どもへの虐待をなくすための法律ができて、", text, StringComparison.Ordinal);
        Assert.DoesNotContain("ぎゃくたい", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ClassNamesThatOnlyContainAWidgetWordAreNotThatWidget()
    {
        // "APageRoot" holds "pager"; each section alone is a small share of the page.
        var sections = string.Concat(Body.Select(p => $"""<section class="APageRoot__Section"><div class="APageRoot__Text"><p>{p}</p></div></section>"""));
        var html = $"""<html><body><div class="APageRoot"><div class="APageRoot__Sections">{sections}</div></div><div class="pager"><a href="?p=2">2</a> <a href="?p=3">3</a></div></body></html>""";

        AssertWholeBody(Extract(html));
    }

    [Fact]
    public void AnArticleNamedAGalleryByAScriptHookIsStillTheArticle()
    {
        var html = $"""
            <html><body><div class="grid"><article class="post-article js-post-gallery"><h1>Cycling lanes</h1>
            <img src="/lanes.jpg" alt="">{Paragraphs}</article>
            <aside class="sidebar"><p>Recent comments and other widgets live here, in the sidebar of the page.</p></aside></div></body></html>
            """;

        AssertWholeBody(Extract(html));
    }

    [Fact]
    public void APhotoGalleryInsideTheArticleIsStillDropped()
    {
        var slides = string.Concat(Enumerable.Range(1, 6).Select(i => $"""<li><img src="/{i}.jpg" alt=""><p>Slide {i}: the new lane on Station Road, seen from the bridge.</p></li>"""));
        var html = $"""<html><body><article>{Paragraphs}<div class="gallery"><ul>{slides}</ul></div></article></body></html>""";

        var text = Extract(html);

        AssertWholeBody(text);
        Assert.DoesNotContain("Slide 3", text, StringComparison.Ordinal);
    }

    [Fact]
    public void AStandfirstInTheArticlesHeaderOpensTheText()
    {
        const string standfirst = "A six-month trial of the disputed lanes starts next month, and residents will have the last word in autumn.";
        var html = $"""
            <html><head><title>Cycling lanes approved for a trial</title></head><body><article>
            <header class="entry-header"><h1>Cycling lanes approved for a trial</h1><p class="entry-subtitle">{standfirst}</p>
            <div class="meta"><time datetime="2024-03-05">5 March 2024</time></div></header>
            <div class="entry-content">{Paragraphs}</div></article></body></html>
            """;

        var text = Extract(html);

        Assert.StartsWith(standfirst, text, StringComparison.Ordinal);
        AssertWholeBody(text);
        Assert.DoesNotContain("5 March 2024", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ASubtitleInTheSectionAboveTheBodyIsKept()
    {
        const string subtitle = "Six months of trial, a review in autumn, and a final say for the residents of the town";
        var html = $"""
            <html><body><section class="intro"><div class="head"><h1>Cycling lanes</h1><h2 class="subtitle">{subtitle}</h2></div></section>
            <section class="story"><div class="story-copy">{Paragraphs}</div></section></body></html>
            """;

        var text = Extract(html);

        Assert.StartsWith(subtitle, text, StringComparison.Ordinal);
        AssertWholeBody(text);
    }

    [Fact]
    public void NoLeadIsTakenFromBeyondNavigation()
    {
        const string elsewhere = "A paragraph about something else entirely, far above the article, on the other side of the menu.";
        var links = string.Concat(Enumerable.Range(1, 6).Select(i => $"""<a href="/topic/{i}">Topic number {i}</a> """));
        var html = $"""
            <html><body><div class="top"><p>{elsewhere}</p></div><div class="topics">{links}</div>
            <div class="story">{Paragraphs}</div></body></html>
            """;

        var text = Extract(html);

        AssertWholeBody(text);
        Assert.DoesNotContain(elsewhere, text, StringComparison.Ordinal);
    }

    [Fact]
    public void NoticesDatelinesAndAdvertisementLabelsAreLeftOut()
    {
        var html = $"""
            <html><body><article>
            <p>Aktualisiert: 03.04.2020, 14:05 Uhr</p>
            <p><em>This post may contain affiliate links. Please see my disclosure page.</em></p>
            {Paragraphs}
            <center>- Anzeige -</center>
            <p><em>This article is the copyrighted property of Town News. Written permission must be obtained before reprint in online or print media.</em></p>
            </article></body></html>
            """;

        var text = Extract(html);

        AssertWholeBody(text);
        Assert.DoesNotContain("03.04.2020", text, StringComparison.Ordinal);
        Assert.DoesNotContain("affiliate", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Anzeige", text, StringComparison.Ordinal);
        Assert.DoesNotContain("copyrighted", text, StringComparison.Ordinal);
    }

    [Fact]
    public void DatesInsideTablesAndListsStay()
    {
        var html = $"""
            <html><body><article>{Paragraphs}
            <table><tr><td>3.15</td><td>12 June 2014</td></tr><tr><td>3.16</td><td>3 August 2014</td></tr></table>
            <ul><li>12.06.2014</li><li>03.08.2014</li></ul></article></body></html>
            """;

        var text = Extract(html);

        Assert.Contains("12 June 2014", text, StringComparison.Ordinal);
        Assert.Contains("03.08.2014", text, StringComparison.Ordinal);
    }

    [Fact]
    public void AClosingContactSectionIsCut()
    {
        var html = $"""
            <html><body><div class="news-single">{Paragraphs}
            <p><strong>Kontakt:</strong></p><p>Dr. Erika Mustermann, Pressestelle</p><p>Telefon: 040 123456</p></div></body></html>
            """;

        var text = Extract(html);

        AssertWholeBody(text);
        Assert.DoesNotContain("Kontakt", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Telefon", text, StringComparison.Ordinal);
    }

    [Fact]
    public void TheLeadPicturesCaptionGoesAndCaptionsBesideTheTextStay()
    {
        var html = $"""
            <html><body><article>
            <figure><img src="/mayor.jpg" alt=""><figcaption>The mayor at Tuesday's meeting. Photo: Jane Smith</figcaption></figure>
            <p>{Body[0]}</p><p>{Body[1]}</p>
            <figure><img src="/map.png" alt=""><figcaption>The route of the trial, from the station to the school.</figcaption></figure>
            <p>{Body[2]}</p><p>{Body[3]}</p><p>{Body[4]}</p></article></body></html>
            """;

        var text = Extract(html);

        AssertWholeBody(text);
        Assert.DoesNotContain("The mayor at Tuesday's meeting", text, StringComparison.Ordinal);
        Assert.Contains("The route of the trial, from the station to the school.", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("read-also")]
    [InlineData("lee-tambien")]
    [InlineData("infobox")]
    public void ReadAlsoWidgetsAndInfoBoxesInsideTheBodyAreDropped(string className)
    {
        var html = $"""
            <html><body><article><p>{Body[0]}</p><p>{Body[1]}</p>
            <div class="{className}"><span>Also on Town News:</span> <a href="/other">The bridge will close for repairs in May</a></div>
            <p>{Body[2]}</p><p>{Body[3]}</p><p>{Body[4]}</p></article></body></html>
            """;

        var text = Extract(html);

        AssertWholeBody(text);
        Assert.DoesNotContain("The bridge will close", text, StringComparison.Ordinal);
    }

    [Fact]
    public void AClassThatSaysWhatABlockHoldsDoesNotNameIt()
    {
        // "has-ad" and "no-share" describe the section and the post; they are not an advertisement and a share bar.
        const string subtitle = "Six months of trial, a review in autumn, and a final say for the residents of the town";
        var html = $"""
            <html><body><section class="o-section o-section--has-ad"><h1>Cycling lanes</h1><h2>{subtitle}</h2></section>
            <section class="o-section"><div class="post no-share">{Paragraphs}</div></section></body></html>
            """;

        var text = Extract(html);

        Assert.StartsWith(subtitle, text, StringComparison.Ordinal);
        AssertWholeBody(text);
    }

    [Fact]
    public void AnUnclosedAnchorAroundOnePartDoesNotCutTheArticleInTwo()
    {
        var html = $"""
            <html><body><h2>Part one</h2><blockquote><p>{Body[0]}</p><p>{Body[1]}</p></blockquote>
            <h2>Part two</h2><a name="two"><blockquote><p>{Body[2]}</p><p>{Body[3]}</p><p>{Body[4]}</p></blockquote></a></body></html>
            """;

        AssertWholeBody(Extract(html));
    }

    [Fact]
    public void ACommentThreadUnderItsHeadingIsNotTheArticle()
    {
        var html = $"""
            <html><body><div class="entry">{Paragraphs}
            <div class="titlebar">Kommentare schreiben</div>
            <div><p>Danke für diesen Artikel, endlich schreibt jemand über die Radwege in unserer Stadt!</p></div>
            <div><p>Ich sehe das ganz anders, die Parkplätze fehlen jetzt schon überall in der Innenstadt.</p></div></div></body></html>
            """;

        var text = Extract(html);

        AssertWholeBody(text);
        Assert.DoesNotContain("Danke für diesen Artikel", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Kommentare schreiben", text, StringComparison.Ordinal);
    }

    [Fact]
    public void AListOfOtherArticlesTeasersBesideTheArticleDoesNotPushItOut()
    {
        // Each teaser carries an abstract as long as the article's paragraphs; only its linked headline tells it apart.
        var teasers = string.Concat(Enumerable.Range(1, 12).Select(i => $"""
            <div class="list__item"><article class="card"><header class="card__header"><h3 class="card__title"><a href="/dossier/{i}">Dossier number {i}</a></h3></header>
            <p>Dossier {i} looks at how towns, regions and countries plan their energy supply, with examples, figures, maps, and interviews with the people who run it.</p></article></div>
            """));
        var html = $"""
            <html><body><main><div><h2>Mission</h2>{Paragraphs}</div></main>
            <div class="more"><div class="wrap"><div class="list">{teasers}</div></div></div></body></html>
            """;

        var text = Extract(html);

        Assert.StartsWith(Body[0], text, StringComparison.Ordinal);
        AssertWholeBody(text);
    }
}
