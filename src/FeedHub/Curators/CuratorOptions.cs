using FeedHub.Core.Settings;

namespace FeedHub.Curators;

/// <summary>Curator sign-in settings, bound from <c>FeedHub:Curators</c>.</summary>
public sealed class CuratorOptions : ICheckedOptions
{
    public const string Section = "FeedHub:Curators";

    /// <summary>Sign-in attempts one client address may make per minute; more are answered 429.</summary>
    public int SignInAttemptsPerMinute { get; set; } = 10;

    /// <summary>A sign-in session not used for this long ends.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromDays(3);

    /// <summary>A sign-in session ends this long after the sign-in, however much it is used.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Why these settings cannot be used; null when they can.</summary>
    public string? Problem()
        => SignInAttemptsPerMinute < 1 ? $"{Section}:SignInAttemptsPerMinute must be 1 or more"
            : SessionIdleTimeout < TimeSpan.FromMinutes(1) ? $"{Section}:SessionIdleTimeout must be a minute or more (for example 3.00:00:00 for three days)"
            : SessionLifetime < SessionIdleTimeout ? $"{Section}:SessionLifetime must be at least SessionIdleTimeout"
            : null;
}
