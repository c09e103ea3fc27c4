namespace FeedHub.Web;

/// <summary>
/// <c>HEAD</c> like a static file server: every page and feed answers it as it answers <c>GET</c> (same status and
/// headers, ETag and Last-Modified included). Runs before routing; Kestrel still knows the request is a HEAD and sends
/// no body.
/// </summary>
public static class HeadRequests
{
    public static IApplicationBuilder UseHeadAsGet(this IApplicationBuilder app)
        => app.Use((context, next) =>
        {
            if (HttpMethods.IsHead(context.Request.Method))
            {
                context.Request.Method = HttpMethods.Get;
            }

            return next(context);
        });
}
