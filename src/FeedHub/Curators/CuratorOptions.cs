namespace FeedHub.Curators;

/// <summary>Curator sign-in settings, bound from <c>FeedHub:Curators</c>.</summary>
public sealed class CuratorOptions
{
    public const string Section = "FeedHub:Curators";

    /// <summary>Sign-in attempts one client address may make per minute; more are answered 429.</summary>
    public int SignInAttemptsPerMinute { get; set; } = 10;
}
