using FeedHub.Core.Model;
using FeedHub.Core.Urls;

namespace FeedHub.Core.Fetcher;

public sealed record FetchRequest(Uri Url, string? ETag = null, string? LastModified = null)
{
    public const string FeedAccept = "application/atom+xml, application/rss+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5";
    public const string PageAccept = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5";

    public string Accept { get; init; } = FeedAccept;

    /// <summary>
    /// A user name and password for HTTP Basic authentication, sent to their own origin only: to <see cref="Url"/> and
    /// a redirect within its site, never to another site. User information in <see cref="Url"/> itself is never sent.
    /// </summary>
    public SiteCredentials? Credentials { get; init; }

    /// <summary>What the request is for, as the host's politeness counts it: a page's is asked for as a page.</summary>
    public HostRequest HostRequest => Accept == PageAccept ? HostRequest.Page : HostRequest.Feed;
}

public enum FetchOutcome
{
    /// <summary>A body arrived (2xx).</summary>
    Ok,

    /// <summary>The server said nothing changed (304).</summary>
    NotModified,

    Failed,
}

/// <summary>What one fetch brought back: a body or a reason, plus the HTTP facts the scheduler and the curator need.</summary>
public sealed class FetchResult
{
    public required FetchOutcome Outcome { get; init; }

    public required Uri RequestedUrl { get; init; }

    /// <summary>Where the body came from after redirects.</summary>
    public Uri? FinalUrl { get; init; }

    public int? StatusCode { get; init; }

    public byte[] Body { get; init; } = [];

    public string? ContentType { get; init; }

    public string? ETag { get; init; }

    public string? LastModified { get; init; }

    /// <summary>
    /// The target of the last permanent redirect (301/308) before the first temporary one (302/303/307): where the feed
    /// now lives, even when that address sends readers on elsewhere for the time being. Null when the first hop was temporary.
    /// </summary>
    public Uri? PermanentRedirect { get; init; }

    public TimeSpan? RetryAfter { get; init; }

    /// <summary>How long the server says the response stays fresh (Cache-Control max-age or Expires).</summary>
    public TimeSpan? FreshFor { get; init; }

    public FetchErrorKind? ErrorKind { get; init; }

    /// <summary>A message a curator can act on.</summary>
    public string? Error { get; init; }

    public static FetchResult Fail(Uri url, FetchErrorKind kind, string message, int? statusCode = null, TimeSpan? retryAfter = null)
        => new() { Outcome = FetchOutcome.Failed, RequestedUrl = url, ErrorKind = kind, Error = message, StatusCode = statusCode, RetryAfter = retryAfter };
}
