using System.Globalization;
using System.Text;
using FeedHub.Core.Fetcher;
using FeedHub.Core.WebSub;
using FeedHub.Web;
using Microsoft.Extensions.Options;

namespace FeedHub.WebSub;

/// <summary>
/// <c>POST /websub</c>: the hub of FeedHub's own feeds (W3C WebSub §5.1). <c>GET|POST /websub/callback/{source}/{key}</c>:
/// where the hubs of FeedHub's sources verify subscriptions and push content.
/// </summary>
public static class WebSubEndpoints
{
    public static IEndpointRouteBuilder MapWebSub(this IEndpointRouteBuilder app)
    {
        app.MapPost("/" + WebSubHub.Path, SubscriptionRequestAsync).DisableAntiforgery();
        app.MapGet("/" + WebSubHub.Path + "/callback/{sourceId:long}/{key}", (long sourceId, string key, HttpRequest request, PushSubscriber subscriber, CancellationToken cancellationToken)
            => subscriber.VerifyAsync(sourceId, key, request.Query["hub.mode"], request.Query["hub.topic"], request.Query["hub.challenge"],
                request.Query["hub.lease_seconds"], request.Query["hub.reason"], cancellationToken));
        app.MapPost("/" + WebSubHub.Path + "/callback/{sourceId:long}/{key}", (long sourceId, string key, HttpContext context, PushSubscriber subscriber)
            => subscriber.ReceiveAsync(context, sourceId, key)).DisableAntiforgery();
        return app;
    }

    /// <summary>
    /// Checks a subscription request and answers 202 Accepted, then verifies the subscriber's intent in the
    /// background (or denies a topic FeedHub is not the hub of). A malformed request, or a callback FeedHub may not
    /// call (a private address), is answered 400 with the reason.
    /// </summary>
    private static async Task<IResult> SubscriptionRequestAsync(
        HttpContext context, WebSubHub hub, PublicAddress address, FeedFetcher fetcher, WebSubScheduler queue, IOptions<WebSubOptions> options, CancellationToken cancellationToken)
    {
        if (!hub.Enabled)
        {
            return TypedResults.NotFound();
        }

        if (!context.Request.HasFormContentType)
        {
            return Refuse("Send hub.mode, hub.topic and hub.callback as an application/x-www-form-urlencoded body.");
        }

        var form = await context.Request.ReadFormAsync(cancellationToken);
        var mode = form["hub.mode"].ToString();
        if (mode is not ("subscribe" or "unsubscribe"))
        {
            return Refuse($"hub.mode must be subscribe or unsubscribe, not '{WebSubHttp.Excerpt(mode)}'.");
        }

        var callbackText = form["hub.callback"].ToString().Trim();
        if (callbackText.Length is 0 or > FeedTopic.MaxUrlLength || !Uri.TryCreate(callbackText, UriKind.Absolute, out var callback)
            || callback.Scheme is not ("http" or "https") || callback.Fragment.Length > 0)
        {
            return Refuse($"hub.callback must be an absolute http(s) address without a fragment, of at most {FeedTopic.MaxUrlLength} characters.");
        }

        var topic = form["hub.topic"].ToString().Trim();
        if (topic.Length == 0)
        {
            return Refuse("hub.topic is missing: name the feed to subscribe to, such as " + MergedFeeds.Self(address.Of(context), SyndicationFormat.Atom, new()).AbsoluteUri);
        }

        var settings = options.Value.Hub;
        var lease = settings.DefaultLeaseSeconds;
        if (form["hub.lease_seconds"].ToString() is { Length: > 0 } asked)
        {
            if (!int.TryParse(asked, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds < 1)
            {
                return Refuse($"hub.lease_seconds must be a positive number of seconds, not '{WebSubHttp.Excerpt(asked)}'.");
            }

            lease = Math.Clamp(seconds, settings.MinLeaseSeconds, settings.MaxLeaseSeconds);
        }

        var secret = form["hub.secret"].ToString();
        if (Encoding.UTF8.GetByteCount(secret) >= 200)
        {
            return Refuse("hub.secret must be shorter than 200 bytes.");
        }

        // Last, as it may look the callback's host up: the private-network guard of fetching.
        if (await fetcher.CheckUrlAsync(callback, cancellationToken) is { } blocked)
        {
            return Refuse($"hub.callback is refused: {blocked}.");
        }

        var denied = mode == "subscribe" && FeedTopic.Parse(topic, address.Of(context), out var why) is null ? why : null;
        await queue.QueueVerificationAsync(new HubRequest(mode, topic, callback.AbsoluteUri, lease, secret.Length > 0 ? secret : null, denied), cancellationToken);
        return TypedResults.Text($"Accepted: the hub will verify this {mode} request with a GET to hub.callback.", "text/plain; charset=utf-8", statusCode: StatusCodes.Status202Accepted);
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Refuse(string detail)
        => TypedResults.Problem(title: "Bad WebSub request", detail: detail, statusCode: StatusCodes.Status400BadRequest);
}
