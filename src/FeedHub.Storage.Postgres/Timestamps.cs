namespace FeedHub.Storage.Postgres;

/// <summary>Instants as both stores keep them: UTC, truncated to the millisecond (timestamptz alone keeps microseconds).</summary>
internal static class Timestamps
{
    public static DateTimeOffset ToStored(DateTimeOffset value)
    {
        var utcTicks = value.UtcTicks;
        return new DateTimeOffset(utcTicks - (utcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
    }

    public static DateTimeOffset? ToStored(DateTimeOffset? value) => value is { } instant ? ToStored(instant) : null;
}
