using System.Text;
using FeedHub.Core.Ingest;

namespace FeedHub.Core.Tests.Ingest;

public sealed class HtmlTextTests
{
    [Fact]
    public void A_shortened_text_never_ends_in_half_a_character()
    {
        // 8 characters then an emoji (two UTF-16 units) that straddles the cut at 10.
        var text = HtmlText.Of("abcdefgh😀 and more words after it", maxLength: 10)!;

        Assert.Equal("abcdefgh…", text);
        Assert.Equal(text, Encoding.UTF8.GetString(new UTF8Encoding(false, throwOnInvalidBytes: true).GetBytes(text)));
    }

    [Fact]
    public void A_shortened_text_keeps_a_whole_emoji_before_the_cut()
    {
        var text = HtmlText.Of("abcdefg😀 and more words after it", maxLength: 10)!;

        Assert.Equal("abcdefg😀…", text);
    }
}
