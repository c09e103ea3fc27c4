using System.Net;
using System.Text.RegularExpressions;
using FeedHub.Storage.Tests;

namespace FeedHub.Tests.Cluster;

/// <summary>
/// Two web nodes on one PostgreSQL, each with its own working and home folder as on two machines behind a load
/// balancer: the sign-in cookie and the antiforgery tokens one issues are good on the other.
/// </summary>
public sealed partial class SharedSignInTests
{
    private const string Password = "correct horse battery staple";

    [Fact]
    public async Task A_curator_signed_in_on_one_web_node_is_signed_in_on_the_other()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        using var cluster = new ClusterNodes(database, TimeSpan.FromHours(1));
        var created = await cluster.RunWithInputAsync(Password + "\n", "curators", "add", "ada", "--password");
        Assert.True(created.ExitCode == 0, created.Error);
        var one = await cluster.StartAsync("web", "FeedHub-web-1");
        var two = await cluster.StartAsync("web", "FeedHub-web-2");
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false });

        var form = await browser.GetStringAsync(new Uri(one.BaseUri, "admin/signin"));
        var signedIn = await browser.PostAsync(new Uri(one.BaseUri, "admin/signin"), new FormUrlEncodedContent(
        [
            new("__RequestVerificationToken", AntiforgeryField().Match(form).Groups[1].Value),
            new("name", "ada"),
            new("password", Password),
            new("returnUrl", ""),
        ]));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);

        // The cookie node one issued opens node two's admin pages…
        var onTwo = await browser.GetAsync(new Uri(two.BaseUri, "admin/sources"));
        Assert.Equal(HttpStatusCode.OK, onTwo.StatusCode);
        var page = await onTwo.Content.ReadAsStringAsync();
        Assert.Contains("Sign out <bdi>ada</bdi>", page, StringComparison.Ordinal);

        // …and a form node two rendered is accepted by node one: signing out there signs out everywhere.
        var signedOut = await browser.PostAsync(new Uri(one.BaseUri, "admin/signout"), new FormUrlEncodedContent(
            [new("__RequestVerificationToken", AntiforgeryField().Match(page).Groups[1].Value)]));
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync(new Uri(two.BaseUri, "admin/sources"))).StatusCode);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"", RegexOptions.NonBacktracking)]
    private static partial Regex AntiforgeryField();
}
