using System.Globalization;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using FeedHub.Core.Storage;
using FeedHub.Tests.Support;
using FeedHub.Web.Localization;
using Microsoft.Extensions.Localization;

namespace FeedHub.Tests.Web;

/// <summary>The interface's languages: every text the pages say has its French, and cached pages never cross languages.</summary>
public sealed partial class InterfaceLanguageTests
{
    [Fact]
    public async Task Every_text_of_the_pages_has_a_French_translation()
    {
        await using var app = await TestApp.StartAsync(worker: false);
        var strings = app.Get<IStringLocalizer<Strings>>();
        var texts = SourceTexts().ToList();

        // Texts the pages compute: error headings by status and path, health words by status.
        foreach (var status in new[] { 400, 403, 404, 405, 409, 429, 500, 503 })
        {
            foreach (var path in new[] { "/", "/articles/1", "/digest/x", "/admin/sources/1", "/admin/signin" })
            {
                texts.Add(FeedHub.Web.Errors.ErrorMessage.HeadingOf(status, path));
            }
        }

        foreach (var health in Enum.GetValues<FeedHub.Core.Curation.HealthStatus>())
        {
            texts.Add(FeedHub.Web.Admin.HealthLabel.Of(health));
            texts.Add("{0:N0} " + FeedHub.Web.Admin.HealthLabel.Of(health));
        }

        Assert.True(texts.Count > 150, $"the pages' texts were found ({texts.Count})");

        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("fr");
        try
        {
            var untranslated = texts.Where(text => strings[text].ResourceNotFound).ToList();
            Assert.True(untranslated.Count == 0, $"no French for: {string.Join(" | ", untranslated)}");
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }

    [Fact]
    public async Task A_page_cached_in_one_language_is_never_served_in_another()
    {
        await using var app = await TestApp.StartAsync(worker: false);
        var source = await StoreSeeder.SourceAsync(app.Get<IFeedStore>(), "Tech Notes", "Tech");
        await StoreSeeder.ArticleAsync(app.Get<IFeedStore>(), source, "A story", DateTimeOffset.UtcNow.AddHours(-1));

        var answers = new List<(string Language, string Body, string? ETag, string Vary)>();
        foreach (var language in new[] { "fr-FR,fr;q=0.9", "en-GB", "fr", "de" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/");
            request.Headers.AcceptLanguage.ParseAdd(language);
            var response = await app.Http.SendAsync(request);
            answers.Add((language, await response.Content.ReadAsStringAsync(), response.Headers.ETag?.Tag, string.Join(", ", response.Headers.Vary)));
        }

        Assert.Equal(["fr", "en", "fr", "en"], answers.Select(a => HtmlLang().Match(a.Body).Groups[1].Value));
        Assert.Contains("Derniers articles", answers[0].Body, StringComparison.Ordinal);
        Assert.Contains("Latest posts", answers[1].Body, StringComparison.Ordinal);
        Assert.Equal(answers[0].ETag, answers[2].ETag);
        Assert.NotEqual(answers[0].ETag, answers[1].ETag);
        Assert.All(answers, a => Assert.Contains("Accept-Language", a.Vary, StringComparison.Ordinal));

        using var chosen = new HttpRequestMessage(HttpMethod.Get, "/");
        chosen.Headers.AcceptLanguage.ParseAdd("fr");
        chosen.Headers.Add("Cookie", $"{InterfaceLanguage.CookieName}=c%3Den%7Cuic%3Den");
        Assert.Contains("<html lang=\"en\">", await (await app.Http.SendAsync(chosen)).Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_language_switch_sets_the_cookie_and_only_goes_back_within_the_site()
    {
        await using var app = await TestApp.StartAsync(worker: false);
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.BaseUri };

        var switched = await client.GetAsync("/language/fr?returnUrl=%2Fdigest%3Fx%3D1");
        Assert.Equal("/digest?x=1", switched.Headers.Location?.OriginalString);
        Assert.Contains(switched.Headers.GetValues("Set-Cookie"), c => c.StartsWith($"{InterfaceLanguage.CookieName}=c%3Dfr%7Cuic%3Dfr", StringComparison.Ordinal));

        foreach (var elsewhere in new[] { "https://evil.example/", "//evil.example/", "/\\evil.example/" })
        {
            var refused = await client.GetAsync($"/language/fr?returnUrl={Uri.EscapeDataString(elsewhere)}");
            Assert.Equal("/", refused.Headers.Location?.OriginalString);
        }

        var unknown = await client.GetAsync("/language/xx?returnUrl=%2F");
        Assert.False(unknown.Headers.Contains("Set-Cookie"));
    }

    /// <summary>The English texts the pages look up: <c>L["…"]</c>, <c>strings["…"]</c>, <c>L.Count(n, "…", "…")</c> and the navigation's labels.</summary>
    private static HashSet<string> SourceTexts()
    {
        var web = Path.Combine(RepositoryRoot(), "src", "FeedHub", "Web");
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(web, "*.*", SearchOption.AllDirectories).Where(f => f.EndsWith(".razor", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal)))
        {
            var code = File.ReadAllText(file);
            foreach (Match match in LookedUp().Matches(code))
            {
                found.Add(Regex.Unescape(match.Groups["text"].Value));
            }

            foreach (Match match in Counted().Matches(code))
            {
                found.Add(Regex.Unescape(match.Groups["one"].Value));
                found.Add(Regex.Unescape(match.Groups["other"].Value));
            }

            foreach (Match match in Labels().Matches(code))
            {
                found.Add(match.Groups["label"].Value);
            }
        }

        return found;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "FeedHub.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("the tests run from inside the repository");
    }

    [GeneratedRegex("""\b(?:L|strings)\["(?<text>(?:[^"\\]|\\.)+)"[\],]""", RegexOptions.NonBacktracking)]
    private static partial Regex LookedUp();

    [GeneratedRegex("""L\.Count\([^,]+,\s*"(?<one>(?:[^"\\]|\\.)+)",\s*"(?<other>(?:[^"\\]|\\.)+)"\)""", RegexOptions.NonBacktracking)]
    private static partial Regex Counted();

    [GeneratedRegex("""\("/[^"]*", "(?<label>[^"]+)"(?:, "[^"]*")?\)""", RegexOptions.NonBacktracking)]
    private static partial Regex Labels();

    [GeneratedRegex("<html lang=\"([^\"]+)\">", RegexOptions.NonBacktracking)]
    private static partial Regex HtmlLang();
}
