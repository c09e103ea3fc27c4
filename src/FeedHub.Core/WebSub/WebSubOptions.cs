using Microsoft.Extensions.Options;

namespace FeedHub.Core.WebSub;

/// <summary>WebSub in both directions, bound from <c>FeedHub:WebSub</c>.</summary>
public sealed class WebSubOptions
{
    public const string Section = "FeedHub:WebSub";

    public WebSubHubOptions Hub { get; set; } = new();

    public WebSubSubscriberOptions Subscriber { get; set; } = new();
}

/// <summary>FeedHub as the hub of its own feeds.</summary>
public sealed class WebSubHubOptions
{
    /// <summary>Feeds advertise the hub and <c>/websub</c> takes subscriptions.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Shorter leases asked for are raised to this.</summary>
    public int MinLeaseSeconds { get; set; } = 3600;

    /// <summary>Longer leases asked for are cut to this.</summary>
    public int MaxLeaseSeconds { get; set; } = 30 * 86400;

    /// <summary>The lease of a subscription that asks for none.</summary>
    public int DefaultLeaseSeconds { get; set; } = 10 * 86400;

    /// <summary>How many times one content is offered to a callback that fails before it is given up on.</summary>
    public int DeliveryAttempts { get; set; } = 6;

    /// <summary>The wait before the first retry; each next one waits twice as long.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The wait before the given retry (1 for the first).</summary>
    public TimeSpan RetryDelay(int retry) => FirstRetryDelay * Math.Pow(2, Math.Clamp(retry - 1, 0, 20));
}

/// <summary>FeedHub as a subscriber to the hubs its sources advertise.</summary>
public sealed class WebSubSubscriberOptions
{
    /// <summary>Sources whose feed names a hub are subscribed through it (needs <c>FeedHub:Site:BaseUrl</c>).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The lease asked of hubs; they may grant another.</summary>
    public int LeaseSeconds { get; set; } = 10 * 86400;

    /// <summary>While push is active, a source is still polled this often, in case the hub stays silent.</summary>
    public TimeSpan SafetyNetInterval { get; set; } = TimeSpan.FromHours(6);

    /// <summary>A refused subscription (or one whose verification never came) is asked again after this long.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromHours(6);
}

/// <summary>Refuses to start on WebSub settings that cannot work, saying which setting to fix.</summary>
public sealed class WebSubOptionsValidator : IValidateOptions<WebSubOptions>
{
    public ValidateOptionsResult Validate(string? name, WebSubOptions options)
    {
        var failures = new List<string>();
        var hub = options.Hub;
        if (hub.MinLeaseSeconds < 1 || hub.MinLeaseSeconds > hub.DefaultLeaseSeconds || hub.DefaultLeaseSeconds > hub.MaxLeaseSeconds)
        {
            failures.Add($"FeedHub:WebSub:Hub: leases must satisfy 1 <= MinLeaseSeconds ({hub.MinLeaseSeconds}) <= DefaultLeaseSeconds ({hub.DefaultLeaseSeconds}) <= MaxLeaseSeconds ({hub.MaxLeaseSeconds})");
        }

        if (hub.DeliveryAttempts is < 1 or > 50)
        {
            failures.Add($"FeedHub:WebSub:Hub:DeliveryAttempts ({hub.DeliveryAttempts}) must be between 1 and 50");
        }

        if (hub.FirstRetryDelay <= TimeSpan.Zero)
        {
            failures.Add("FeedHub:WebSub:Hub:FirstRetryDelay must be positive (for example 00:01:00)");
        }

        var subscriber = options.Subscriber;
        if (subscriber.LeaseSeconds < 1)
        {
            failures.Add("FeedHub:WebSub:Subscriber:LeaseSeconds must be at least 1");
        }

        if (subscriber.SafetyNetInterval <= TimeSpan.Zero || subscriber.RetryAfter <= TimeSpan.Zero)
        {
            failures.Add("FeedHub:WebSub:Subscriber:SafetyNetInterval and RetryAfter must be positive (for example 06:00:00)");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
