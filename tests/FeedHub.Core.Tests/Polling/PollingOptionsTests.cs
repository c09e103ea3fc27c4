using FeedHub.Core.Polling;
using FeedHub.Core.Settings;

namespace FeedHub.Core.Tests.Polling;

public sealed class PollingOptionsTests
{
    [Fact]
    public void The_shipped_defaults_are_accepted()
        => Assert.True(new CheckedOptionsValidator<PollingOptions>().Validate(null, new PollingOptions()).Succeeded);

    [Theory]
    [InlineData("00:00:00", "1.00:00:00", 1000, "01:00:00", "FeedHub:Polling:MinInterval must be positive")]
    [InlineData("02:00:00", "01:00:00", 1000, "01:00:00", "FeedHub:Polling:MaxInterval must not be shorter than MinInterval")]
    [InlineData("00:05:00", "1.00:00:00", 0, "01:00:00", "FeedHub:Polling:MaxArticlesPerPoll must be at least 1")]
    [InlineData("00:05:00", "1.00:00:00", 1000, "01:00:00", "FeedHub:Polling:DefaultInterval must be positive (a schedule keeps it within MinInterval and MaxInterval)", "00:00:00")]
    [InlineData("00:05:00", "1.00:00:00", 1000, "00:00:00", "FeedHub:Polling:PendingPagesCheck must be at least a second")]
    public void Options_no_schedule_can_follow_are_refused_with_the_key_to_fix(string min, string max, int articles, string pendingPages, string problem, string defaultInterval = "01:00:00")
    {
        var options = new PollingOptions
        {
            MinInterval = TimeSpan.Parse(min, System.Globalization.CultureInfo.InvariantCulture),
            MaxInterval = TimeSpan.Parse(max, System.Globalization.CultureInfo.InvariantCulture),
            MaxArticlesPerPoll = articles,
            PendingPagesCheck = TimeSpan.Parse(pendingPages, System.Globalization.CultureInfo.InvariantCulture),
            DefaultInterval = TimeSpan.Parse(defaultInterval, System.Globalization.CultureInfo.InvariantCulture),
        };

        var result = new CheckedOptionsValidator<PollingOptions>().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Equal(problem, result.FailureMessage);
    }
}
