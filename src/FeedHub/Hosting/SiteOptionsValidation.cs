using System.Net;
using Microsoft.Extensions.Options;

namespace FeedHub.Hosting;

/// <summary>Refuses to start on a public address or proxy list that cannot work, saying which setting to fix.</summary>
public sealed class SiteOptionsValidation : IValidateOptions<SiteOptions>
{
    public ValidateOptionsResult Validate(string? name, SiteOptions options)
    {
        var failures = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.BaseUrl)
            && (!Uri.TryCreate(options.BaseUrl.Trim(), UriKind.Absolute, out var baseUrl) || baseUrl.Scheme is not ("http" or "https")
                || !string.IsNullOrEmpty(baseUrl.Query) || !string.IsNullOrEmpty(baseUrl.Fragment) || !string.IsNullOrEmpty(baseUrl.UserInfo)))
        {
            failures.Add($"FeedHub:Site:BaseUrl '{options.BaseUrl}' is not an absolute http(s) address without query or fragment, such as https://planet.example.org/");
        }

        foreach (var proxy in options.KnownProxies.Where(p => !IPAddress.TryParse(p, out _)))
        {
            failures.Add($"FeedHub:Site:KnownProxies: '{proxy}' is not an IP address (list the addresses your reverse proxies connect from, such as 10.0.0.5)");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
