using FeedHub.Core.Settings;
using Microsoft.Extensions.Options;

namespace FeedHub.Web.Images;

/// <summary>
/// <c>GET /images/{signature}/{address}</c>: the images of FeedHub's pages, fetched by FeedHub (see <see cref="ImageProxy"/>)
/// so that readers' browsers never call the original sites. Only addresses FeedHub signed are fetched.
/// </summary>
public static class ImageProxyEndpoints
{
    public static IServiceCollection AddImageProxy(this IServiceCollection services)
    {
        services.AddOptions<ImageProxyOptions>().BindConfiguration(ImageProxyOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ImageProxyOptions>, CheckedOptionsValidator<ImageProxyOptions>>();
        services.AddSingleton<ImageLinks>();
        services.AddSingleton<ImageProxy>();
        services.AddHostedService<ImageKeyAtStart>();
        return services;
    }

    public static IEndpointRouteBuilder MapImageProxy(this IEndpointRouteBuilder app)
    {
        app.MapGet(ImageLinks.PathPrefix + "{signature}/{encodedUrl}", ServeAsync).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> ServeAsync(
        HttpContext context, string signature, string encodedUrl, ImageLinks links, ImageProxy proxy, IOptions<ImageProxyOptions> options)
    {
        if (!links.TryOpen(signature, encodedUrl, out var url))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not an image of this site",
                detail: "FeedHub only fetches the images of its own pages, at the addresses it signs; this one is not signed, or was changed.");
        }

        var image = await proxy.GetAsync(url, context.RequestAborted);
        if (!image.IsImage)
        {
            return TypedResults.Problem(statusCode: image.Status, title: "Image not available", detail: image.Problem);
        }

        // The same signed address always names the same image: browsers and shared caches may keep it.
        context.Response.Headers.CacheControl = $"public, max-age={(int)options.Value.CacheFor.TotalSeconds}";
        return TypedResults.Bytes(image.Body, image.MediaType);
    }
}
