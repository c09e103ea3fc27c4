using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace FeedHub.Web;

/// <summary>Serves rendered bytes with a strong ETag derived from the bytes, answering 304 when the client has them.</summary>
public static class ConditionalResponse
{
    public static IResult Send(HttpContext context, byte[] body, string contentType)
    {
        var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(body).AsSpan(0, 16))}\"";
        context.Response.Headers.ETag = etag;
        context.Response.Headers.CacheControl = "no-cache";
        var requested = context.Request.GetTypedHeaders().IfNoneMatch;
        if (requested.Any(tag => tag.Tag == etag || tag.Equals(EntityTagHeaderValue.Any)))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return TypedResults.Bytes(body, contentType);
    }
}
