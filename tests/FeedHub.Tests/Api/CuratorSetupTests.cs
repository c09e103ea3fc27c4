using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using FeedHub.Curators;
using FeedHub.Tests.Support;

namespace FeedHub.Tests.Api;

/// <summary>
/// The first run as a newcomer meets it: <c>feedhub serve</c> on an empty store prints a banner with a one-time set-up
/// link; the first curator is created through it while the server runs; afterwards the link is dead. And a curator
/// removed or given a new password loses their sign-ins and tokens at once.
/// </summary>
public sealed partial class CuratorSetupTests : IDisposable
{
    private readonly string _workingDirectory = Directory.CreateTempSubdirectory("feedhub-setup-").FullName;

    [Fact]
    public async Task Serve_prints_a_banner_with_a_set_up_link_that_creates_the_first_curator_once_without_a_restart()
    {
        var port = FeedHubProcess.FreePort();
        using var server = FeedHubProcess.Start(_workingDirectory, new Dictionary<string, string>
        {
            ["FeedHub__Urls"] = $"http://127.0.0.1:{port}",
            ["FeedHub__StarterSources"] = string.Empty,
        }, "serve");
        var link = await server.WaitForOutputLineAsync(line => line.Contains("/admin/setup?token=", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        var token = SetupToken().Match(link).Groups[1].Value;
        var banner = server.OutputSoFar;
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };

        var wrong = await http.PostAsJsonAsync("/admin/setup", new { token = token + "x", name = "ada", password = "a long password" });
        var weak = await http.PostAsJsonAsync("/admin/setup", new { token, name = "ada", password = "short" });
        var created = await http.PostAsJsonAsync("/admin/setup", new { token, name = "ada", password = "a long password" });
        var again = await http.PostAsJsonAsync("/admin/setup", new { token, name = "grace", password = "a long password" });

        Assert.Contains($"FeedHub is running (web and worker) at http://127.0.0.1:{port}", banner, StringComparison.Ordinal);
        Assert.Contains($"LiteDB file {Path.Combine(_workingDirectory, "data", "feedhub.db")}", banner, StringComparison.Ordinal);
        Assert.Contains("sources: 0", banner, StringComparison.Ordinal);
        Assert.Contains("curators add cannot open the embedded store while this server runs", banner, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, weak.StatusCode);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var apiToken = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("apiToken").GetString();
        using var api = new HttpRequestMessage(HttpMethod.Get, "/api/sources") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", apiToken) } };
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(api)).StatusCode);
        Assert.False(server.HasExited);
        Assert.DoesNotContain("info:", server.OutputSoFar, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_start_replaces_the_token_and_none_is_issued_once_a_curator_exists()
    {
        await using var app = await TestApp.StartAsync(worker: false);
        var setup = app.Get<CuratorSetup>();

        var old = await setup.IssueTokenAsync(default);
        var current = await setup.IssueTokenAsync(default);
        var refused = await app.Http.PostAsJsonAsync("/admin/setup", new { token = old, name = "ada", password = "a long password" });
        var form = await app.Http.PostAsync("/admin/setup", new FormUrlEncodedContent([new("token", current!), new("name", "ada"), new("password", "a long password")]));
        var created = await app.Http.PostAsJsonAsync("/admin/setup", new { token = current, name = "ada", password = "a long password" });

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, form.StatusCode); // the set-up page's form, refused without its antiforgery token
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Null(await setup.IssueTokenAsync(default));
    }

    [Fact]
    public async Task A_removed_curator_or_one_whose_password_was_reset_is_signed_out_and_their_tokens_stop_with_removal_or_revocation()
    {
        await using var app = await TestApp.StartAsync(worker: false);
        var accounts = app.Get<CuratorAccounts>();
        var (_, adaToken) = await accounts.CreateAsync("ada", "first password", default);
        var (_, graceToken) = await accounts.CreateAsync("grace", "grace password", default);
        using var ada = await SignedInAsync(app, "ada", "first password");
        using var grace = await SignedInAsync(app, "grace", "grace password");
        Assert.Equal(HttpStatusCode.OK, (await ada.GetAsync("/admin/sources")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await grace.GetAsync("/admin/sources")).StatusCode);

        await accounts.ResetPasswordAsync("ada", "second password", default);
        await accounts.RemoveAsync("grace", default);

        Assert.Equal(HttpStatusCode.Unauthorized, (await ada.GetAsync("/admin/sources")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await grace.GetAsync("/admin/sources")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, await ApiStatusAsync(app, adaToken));
        Assert.Equal(HttpStatusCode.Unauthorized, await ApiStatusAsync(app, graceToken));
        using var adaAgain = await SignedInAsync(app, "ada", "second password");
        Assert.Equal(HttpStatusCode.OK, (await adaAgain.GetAsync("/admin/sources")).StatusCode);
        Assert.Equal(1, await accounts.RevokeAllTokensAsync("ada", default));
        Assert.Equal(HttpStatusCode.Unauthorized, await ApiStatusAsync(app, adaToken));
    }

    private static async Task<HttpStatusCode> ApiStatusAsync(TestApp app, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/sources") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", token) } };
        return (await app.Http.SendAsync(request)).StatusCode;
    }

    private static async Task<HttpClient> SignedInAsync(TestApp app, string name, string password)
    {
        var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = app.BaseUri };
        var form = await browser.GetStringAsync("/admin/signin");
        var signIn = await browser.PostAsync("/admin/signin", new FormUrlEncodedContent(
        [
            new("__RequestVerificationToken", AntiforgeryField().Match(form).Groups[1].Value), new("name", name), new("password", password), new("returnUrl", ""),
        ]));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        return browser;
    }

    [GeneratedRegex("token=([A-Za-z0-9_-]+)", RegexOptions.NonBacktracking)]
    private static partial Regex SetupToken();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"", RegexOptions.NonBacktracking)]
    private static partial Regex AntiforgeryField();

    public void Dispose() => Directory.Delete(_workingDirectory, recursive: true);
}
