using System.Net;
using System.Security.Claims;
using System.Text.RegularExpressions;
using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using FeedHub.Curators;
using FeedHub.Storage.LiteDb;
using FeedHub.Tests.Support;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FeedHub.Tests.Admin;

/// <summary>Sign-in sessions kept on the server: what ends them, what a curator sees of them, and their limits.</summary>
public sealed partial class CuratorSessionTests
{
    private const string Password = "correct horse battery";

    [Fact]
    public async Task A_cookie_replayed_after_sign_out_is_refused()
    {
        await using var app = await TestApp.StartAsync(worker: false);
        var ada = (await app.Get<CuratorAccounts>().CreateAsync("ada", Password, default)).Curator;
        var (browser, cookies) = NewBrowser(app);
        await SignInAsync(browser, "ada", Password);
        var stolen = cookies.GetCookieHeader(app.BaseUri);
        Assert.Single(await app.Get<IFeedStore>().ListSessionsAsync(ada.Id, default));
        Assert.Equal(HttpStatusCode.OK, (await ReplayAsync(app, stolen)).StatusCode);

        var signedOut = await browser.PostAsync("/admin/signout", new FormUrlEncodedContent([new("__RequestVerificationToken", Token(await browser.GetStringAsync("/admin/sources")))]));

        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ReplayAsync(app, stolen)).StatusCode);
        Assert.Empty(await app.Get<IFeedStore>().ListSessionsAsync(ada.Id, default));
    }

    [Fact]
    public async Task A_curator_sees_their_browsers_and_ends_another_one_or_all_the_others()
    {
        await using var app = await TestApp.StartAsync(worker: false);
        await app.Get<CuratorAccounts>().CreateAsync("ada", Password, default);
        await app.Get<CuratorAccounts>().CreateAsync("grace", Password, default);
        var (laptop, _) = NewBrowser(app, "Laptop/1.0 (Linux)");
        var (phone, _) = NewBrowser(app, "Phone/2.0 (Android)");
        var (tablet, _) = NewBrowser(app, "Tablet/3.0");
        var (graces, _) = NewBrowser(app, "Grace's browser");
        await SignInAsync(laptop, "ada", Password);
        await SignInAsync(phone, "ada", Password);
        await SignInAsync(tablet, "ada", Password);
        await SignInAsync(graces, "grace", Password);

        var page = await laptop.GetStringAsync("/admin/sessions");
        var rows = SessionRow().Matches(page).Select(m => (Id: m.Groups[1].Value, Html: m.Groups[2].Value)).ToList();
        Assert.Equal(3, rows.Count);
        Assert.DoesNotContain("Grace", page, StringComparison.Ordinal);
        Assert.Contains("this browser", rows.Single(r => r.Html.Contains("Laptop/1.0", StringComparison.Ordinal)).Html, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", rows[0].Html, StringComparison.Ordinal);
        var phoneSession = rows.Single(r => r.Html.Contains("Phone/2.0", StringComparison.Ordinal)).Id;
        var graceSession = (await app.Get<IFeedStore>().ListSessionsAsync((await app.Get<IFeedStore>().GetCuratorByNameAsync("grace", default))!.Id, default)).Single().Id;

        var endedPhone = await laptop.PostAsync("/admin/sessions/end", new FormUrlEncodedContent([new("__RequestVerificationToken", Token(page)), new("id", phoneSession)]));
        var notMine = await laptop.PostAsync("/admin/sessions/end", new FormUrlEncodedContent(
            [new("__RequestVerificationToken", Token(page)), new("id", graceSession.ToString(System.Globalization.CultureInfo.InvariantCulture))]));

        Assert.Contains("Session ended", await endedPhone.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await phone.GetAsync("/admin/sources")).StatusCode);
        Assert.Contains("That session has ended already.", await notMine.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await graces.GetAsync("/admin/sources")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await tablet.GetAsync("/admin/sources")).StatusCode);

        var endedOthers = await laptop.PostAsync("/admin/sessions/end-others", new FormUrlEncodedContent([new("__RequestVerificationToken", Token(page))]));

        Assert.Contains("1 other session ended.", await endedOthers.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await tablet.GetAsync("/admin/sources")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await laptop.GetAsync("/admin/sources")).StatusCode);

        var signedOutHere = await laptop.PostAsync("/admin/sessions/end", new FormUrlEncodedContent(
            [new("__RequestVerificationToken", Token(page)), new("id", rows.Single(r => r.Html.Contains("Laptop/1.0", StringComparison.Ordinal)).Id)]));
        Assert.Equal("/admin/signin", signedOutHere.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, (await laptop.GetAsync("/admin/sources")).StatusCode);
    }

    [Fact]
    public async Task A_session_ends_when_idle_too_long_and_at_its_absolute_limit_however_much_it_is_used()
    {
        var directory = Directory.CreateTempSubdirectory("feedhub-sessions-");
        try
        {
            using var store = new LiteDbFeedStore(Path.Combine(directory.FullName, "feedhub.db"));
            var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero));
            var sessions = new CuratorSessions(store, clock, Options.Create(new CuratorOptions
            {
                SessionIdleTimeout = TimeSpan.FromHours(8),
                SessionLifetime = TimeSpan.FromDays(2),
            }));
            var ada = await store.AddCuratorAsync(new Curator { Name = "ada", CreatedAt = clock.GetUtcNow() }, default);
            var ticket = new AuthenticationTicket(CuratorPrincipal.Of(ada, CookieAuthenticationDefaults.AuthenticationScheme), CookieAuthenticationDefaults.AuthenticationScheme);

            var idle = await sessions.StoreAsync(ticket);
            clock.Advance(TimeSpan.FromHours(7));
            var usedInTime = await sessions.RetrieveAsync(idle);
            clock.Advance(TimeSpan.FromHours(8) + TimeSpan.FromMinutes(1));
            var usedTooLate = await sessions.RetrieveAsync(idle);

            Assert.Equal("ada", usedInTime?.Principal.FindFirstValue(ClaimTypes.Name));
            Assert.Null(usedTooLate);

            var busy = await sessions.StoreAsync(ticket);
            var signedInAt = clock.GetUtcNow();
            var lastAnswer = (AuthenticationTicket?)null;
            while (clock.GetUtcNow() - signedInAt < TimeSpan.FromDays(2) - TimeSpan.FromHours(1))
            {
                clock.Advance(TimeSpan.FromHours(1));
                lastAnswer = await sessions.RetrieveAsync(busy);
                Assert.NotNull(lastAnswer);
            }

            Assert.True(lastAnswer!.Properties.ExpiresUtc <= signedInAt + TimeSpan.FromDays(2));
            clock.Advance(TimeSpan.FromHours(1));
            Assert.Null(await sessions.RetrieveAsync(busy));
            Assert.Empty(await store.ListSessionsAsync(ada.Id, default));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Sign_in_with_an_unknown_name_costs_the_same_hashing_as_with_a_known_one()
    {
        await using var app = await TestApp.StartAsync(worker: false);
        var store = app.Get<IFeedStore>();
        var counting = new CountingHasher();
        var accounts = new CuratorAccounts(store, counting, TimeProvider.System);
        await accounts.CreateAsync("ada", Password, default);
        await accounts.CreateAsync("api-only", null, default);

        var checks = new List<(string Name, int Verifications)>();
        foreach (var name in new[] { "ada", "nobody", "api-only" })
        {
            var before = counting.Verifications;
            Assert.Null(await accounts.CheckPasswordAsync(name, "wrong password", default));
            checks.Add((name, counting.Verifications - before));
        }

        Assert.Equal([("ada", 1), ("nobody", 1), ("api-only", 1)], checks);
        Assert.Equal("ada", (await accounts.CheckPasswordAsync("ada", Password, default))?.Name);
    }

    private sealed class CountingHasher : IPasswordHasher<Curator>
    {
        private readonly PasswordHasher<Curator> _real = new();

        public int Verifications { get; private set; }

        public string HashPassword(Curator user, string password) => _real.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(Curator user, string hashedPassword, string providedPassword)
        {
            Verifications++;
            return _real.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }

    private static (HttpClient Browser, CookieContainer Cookies) NewBrowser(TestApp app, string userAgent = "TestBrowser/1.0")
    {
        var cookies = new CookieContainer();
        var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = app.BaseUri };
        browser.DefaultRequestHeaders.UserAgent.ParseAdd(userAgent);
        return (browser, cookies);
    }

    /// <summary>Sends a stolen cookie header from a client of its own, as an attacker replaying it would.</summary>
    private static async Task<HttpResponseMessage> ReplayAsync(TestApp app, string cookieHeader)
    {
        using var attacker = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = app.BaseUri };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/sources");
        request.Headers.Add("Cookie", cookieHeader);
        return await attacker.SendAsync(request);
    }

    private static async Task SignInAsync(HttpClient browser, string name, string password)
    {
        var form = await browser.GetStringAsync("/admin/signin");
        var signedIn = await browser.PostAsync("/admin/signin", new FormUrlEncodedContent(
            [new("__RequestVerificationToken", Token(form)), new("name", name), new("password", password), new("returnUrl", "")]));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
    }

    private static string Token(string html) => AntiforgeryField().Match(html).Groups[1].Value;

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"", RegexOptions.NonBacktracking)]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("<tr data-session=\"(\\d+)\">(.*?)</tr>", RegexOptions.Singleline | RegexOptions.NonBacktracking)]
    private static partial Regex SessionRow();
}
