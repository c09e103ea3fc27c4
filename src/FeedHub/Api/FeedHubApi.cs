using System.Text.Json;
using System.Text.Json.Serialization;
using FeedHub.Curators;

namespace FeedHub.Api;

/// <summary>The curator REST API under <c>/api</c> (bearer tokens only) and its OpenAPI document at <c>/openapi/v1.json</c>.</summary>
public static class FeedHubApi
{
    public static IServiceCollection AddFeedHubApi(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase)));
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "FeedHub curator API";
            document.Info.Description = "Send a curator's token as 'Authorization: Bearer fh_…' (feedhub curators add NAME prints one). Errors are RFC 9457 problem+json.";
            return Task.CompletedTask;
        }));
        return services;
    }

    public static IEndpointRouteBuilder MapFeedHubApi(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi();
        app.MapGroup("/api")
            .RequireAuthorization(CuratorAuthentication.ApiPolicy)
            .DisableAntiforgery()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .MapSourcesApi()
            .MapArticlesApi()
            .MapOpmlApi()
            .MapWebSubApi();
        return app;
    }
}
