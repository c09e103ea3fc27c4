using System.Net;
using System.Text.RegularExpressions;

namespace FeedHub.Tests.Support;

/// <summary>An HTTP client with a cookie jar, signed in as a curator the way the sign-in form does it (redirects not followed).</summary>
public static partial class AdminClient
{
    public static async Task<HttpClient> SignedInAsync(TestApp app, string name, string password)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = app.BaseUri };
        var form = await client.GetStringAsync("/admin/signin");
        var signIn = await client.PostAsync("/admin/signin", new FormUrlEncodedContent(
        [
            new("__RequestVerificationToken", AntiforgeryToken(form)), new("name", name), new("password", password), new("returnUrl", string.Empty),
        ]));
        if (signIn.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"signing in as {name} answered {(int)signIn.StatusCode}");
        }

        return client;
    }

    /// <summary>The antiforgery token of the first form of a page.</summary>
    public static string AntiforgeryToken(string html) => AntiforgeryField().Match(html).Groups[1].Value;

    /// <summary>Posts a form of the page at <paramref name="pagePath"/> with that page's antiforgery token.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(this HttpClient client, string pagePath, string action, params (string Name, string Value)[] fields)
    {
        var page = await client.GetStringAsync(pagePath);
        return await client.PostAsync(action, new FormUrlEncodedContent(
            [new("__RequestVerificationToken", AntiforgeryToken(page)), .. fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))]));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"", RegexOptions.NonBacktracking)]
    private static partial Regex AntiforgeryField();
}
