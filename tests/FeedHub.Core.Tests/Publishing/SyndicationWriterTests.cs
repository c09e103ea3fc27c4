using System.Text;
using System.Text.Json;
using FeedHub.Core.Publishing;

namespace FeedHub.Core.Tests.Publishing;

public sealed class SyndicationWriterTests
{
    /// <summary>
    /// An entry's content as the JSON feed writes it, escaped in segments, reads as the string escaped whole: across
    /// segment boundaries, with a surrogate pair (an emoji) cut by one, quotes, markup and line breaks.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(SyndicationWriter.JsonTextSegment - 1)]
    [InlineData(SyndicationWriter.JsonTextSegment)]
    [InlineData(3 * SyndicationWriter.JsonTextSegment + 5)]
    public void Json_text_is_the_string_as_a_json_writer_escapes_it_whole(int length)
    {
        var text = new StringBuilder();
        var piece = "<p class=\"x\">Ça & \"ça\"\n\t😀 é</p>";
        while (text.Length < length)
        {
            text.Append(piece);
        }

        var whole = text.ToString(0, length);
        // The emoji's two halves fall on either side of the first segment's end.
        var cut = whole.Length > SyndicationWriter.JsonTextSegment + 1 ? whole[..(SyndicationWriter.JsonTextSegment - 1)] + "😀" + whole[(SyndicationWriter.JsonTextSegment + 1)..] : whole;

        foreach (var value in new[] { whole, cut })
        {
            var expected = JsonSerializer.Serialize(value);
            Assert.Equal(expected[1..^1], Encoding.UTF8.GetString(SyndicationWriter.JsonText(value)));
        }
    }
}
