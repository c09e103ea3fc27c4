using FeedHub.Core.Dates;

namespace FeedHub.Core.Tests.Dates;

public sealed class FeedDateParserTests
{
    [Theory]
    [InlineData("Sun, 06 Sep 2009 16:20:00 +0000", "2009-09-06T16:20:00+00:00")]
    [InlineData("Sun, 06 Sep 2009 16:20:00 GMT", "2009-09-06T16:20:00+00:00")]
    [InlineData("06 Sep 2009 16:20:00 +0200", "2009-09-06T16:20:00+02:00")]
    [InlineData("Mon, 06 Sep 2009 16:20:00 GMT", "2009-09-06T16:20:00+00:00")]
    [InlineData("Sun, 6 Sep 2009 16:20 EST", "2009-09-06T16:20:00-05:00")]
    [InlineData("Sun, 06 Sep 2009 16:20:00 PDT", "2009-09-06T16:20:00-07:00")]
    [InlineData("Sun, 06 Sep 2009 16:20:00 CEST", "2009-09-06T16:20:00+02:00")]
    [InlineData("Sun, 06 Sep 09 16:20:00 +0000", "2009-09-06T16:20:00+00:00")]
    [InlineData("Thu, 01 Jan 98 00:00:00 GMT", "1998-01-01T00:00:00+00:00")]
    [InlineData("Sun, 06 September 2009 16:20:00 +0000", "2009-09-06T16:20:00+00:00")]
    [InlineData("Sat, Dec 16 2023 02:02:33 PM", "2023-12-16T14:02:33+00:00")]
    [InlineData("Tue, 10 Jun 2003 04:00:00 -0400 (EDT)", "2003-06-10T04:00:00-04:00")]
    [InlineData("Sun, 06 Sep 2009 16:20:00", "2009-09-06T16:20:00+00:00")]
    [InlineData("Sun, 06 Sep 2009 24:00:00 GMT", "2009-09-07T00:00:00+00:00")]
    public void Rfc822AndItsRealWorldVariants(string text, string expected)
        => Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), FeedDateParser.Parse(text));

    [Theory]
    [InlineData("Di, 15 Okt 2019 10:00:00 +0200", "2019-10-15T10:00:00+02:00")]
    [InlineData("mar., 05 juin 2012 08:30:00 +0200", "2012-06-05T08:30:00+02:00")]
    [InlineData("martes, 5 de marzo de 2019 10:00", "2019-03-05T10:00:00+00:00")]
    [InlineData("15 décembre 2020 18:45:00 +0100", "2020-12-15T18:45:00+01:00")]
    [InlineData("1 мая 2021 12:00:00 +0300", "2021-05-01T12:00:00+03:00")]
    public void NonEnglishDayAndMonthNames(string text, string expected)
        => Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), FeedDateParser.Parse(text));

    [Theory]
    [InlineData("2003-12-13T18:30:02Z", "2003-12-13T18:30:02+00:00")]
    [InlineData("2003-12-13T18:30:02.25Z", "2003-12-13T18:30:02.25+00:00")]
    [InlineData("2003-12-13T09:17:51-08:00", "2003-12-13T09:17:51-08:00")]
    [InlineData("2003-12-13T09:17:51-0800", "2003-12-13T09:17:51-08:00")]
    [InlineData("2003-12-13 18:30:02", "2003-12-13T18:30:02+00:00")]
    [InlineData("2003-12-13T18:30Z", "2003-12-13T18:30:00+00:00")]
    [InlineData("2003-12-13", "2003-12-13T00:00:00+00:00")]
    [InlineData("20031213T183002Z", "2003-12-13T18:30:02+00:00")]
    [InlineData(" 2020-01-04T01:00:00+0100 ", "2020-01-04T01:00:00+01:00")]
    public void Iso8601AndItsSloppyForms(string text, string expected)
        => Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), FeedDateParser.Parse(text));

    [Theory]
    [InlineData("2003/06/10 04:00:00", "2003-06-10T04:00:00+00:00")]
    [InlineData("10.06.2003 16:05", "2003-06-10T16:05:00+00:00")]
    [InlineData("06/10/2003 4:00:00 PM", "2003-06-10T16:00:00+00:00")]
    [InlineData("25/12/2019 08:00 +0100", "2019-12-25T08:00:00+01:00")]
    public void AllNumericDates(string text, string expected)
        => Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), FeedDateParser.Parse(text));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("not a date")]
    [InlineData("yesterday")]
    [InlineData("2003-13-45T99:99:99Z")]
    [InlineData("Sun, 31 Feb 2009 16:20:00 GMT")]
    [InlineData("Wed, 23 Nov 2016 14:.0:36 +0100")] // found by the long fuzzing run (mutant 77,004): it threw and lost the feed
    public void UnparseableDatesAreNull(string? text) => Assert.Null(FeedDateParser.Parse(text));
}
