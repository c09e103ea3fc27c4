using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace FeedHub.Curators;

/// <summary>Authenticates <c>Authorization: Bearer fh_…</c> against the hashes of the curators' active API tokens.</summary>
public sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    CuratorAccounts accounts)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith(SchemeName + " ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var curator = await accounts.AuthenticateTokenAsync(header[(SchemeName.Length + 1)..].Trim(), Context.RequestAborted);
        if (curator is null)
        {
            return AuthenticateResult.Fail("the API token is unknown or revoked");
        }

        return AuthenticateResult.Success(new AuthenticationTicket(CuratorPrincipal.Of(curator, SchemeName), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = SchemeName;
        return Results.Problem(
            statusCode: StatusCodes.Status401Unauthorized,
            title: "API token required",
            detail: "Send a curator's API token as 'Authorization: Bearer fh_…'; create one with: feedhub curators add NAME")
            .ExecuteAsync(Context);
    }
}

public static class CuratorPrincipal
{
    public static ClaimsPrincipal Of(Core.Model.Curator curator, string scheme)
        => new(new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, curator.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Claim(ClaimTypes.Name, curator.Name),
            ],
            scheme));

    /// <summary>The signed-in curator's id.</summary>
    public static long IdOf(ClaimsPrincipal principal)
        => long.Parse(principal.FindFirstValue(ClaimTypes.NameIdentifier)!, System.Globalization.CultureInfo.InvariantCulture);
}
