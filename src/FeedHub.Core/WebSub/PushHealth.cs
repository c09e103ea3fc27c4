using System.Globalization;

namespace FeedHub.Core.WebSub;

/// <summary>
/// How push (WebSub) is doing for one source, beside its polling health: <c>push: active / pending / expired /
/// refused (why)</c>, with what arrived through it.
/// </summary>
public sealed record PushHealth(
    PushState State,
    string Summary,
    string Hub,
    DateTimeOffset? LeaseExpiresAt,
    DateTimeOffset? LastPushAt,
    long PushesReceived,
    long PushesRefused,
    string? LastRefusal)
{
    /// <summary>The push health of a source, or null when its feed names no hub.</summary>
    public static PushHealth? Of(SourcePush? push, DateTimeOffset now)
    {
        if (push is null)
        {
            return null;
        }

        // A lease that ended is expired whether or not the renewal has noticed yet.
        var state = push.State == PushState.Active && push.LeaseExpiresAt <= now ? PushState.Expired : push.State;
        var summary = state switch
        {
            PushState.Active => $"push: active through {push.Hub} (lease until {When(push.LeaseExpiresAt)})",
            PushState.Pending => $"push: pending (asked {push.Hub} at {When(push.RequestedAt)}; waiting for its verification)",
            PushState.Expired => $"push: expired ({push.Reason ?? $"the lease ended at {When(push.LeaseExpiresAt)}"}); polled until it is renewed",
            PushState.Refused => $"push: refused ({push.Reason ?? "the hub refused the subscription"}); polled instead",
            _ => $"push: off ({push.Reason ?? "not subscribed"}); polled instead",
        };
        if (push.PushesRefused > 0)
        {
            summary += string.Create(CultureInfo.InvariantCulture, $"; {push.PushesRefused:N0} push{(push.PushesRefused > 1 ? "es" : string.Empty)} ignored, last: {push.LastRefusal}");
        }

        return new PushHealth(state, summary, push.Hub, push.LeaseExpiresAt, push.LastPushAt, push.PushesReceived, push.PushesRefused, push.LastRefusal);
    }

    private static string When(DateTimeOffset? at)
        => at?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "?";
}
