using FeedHub.Core.Model;
using FeedHub.Core.Storage;

namespace FeedHub.Storage.Tests;

/// <summary>What every store must do. Each store's test class derives from this and supplies a fresh, empty store.</summary>
public abstract partial class FeedStoreContract : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 8, 30, 15, 123, TimeSpan.Zero);

    protected IFeedStore Store { get; set; } = null!;

    /// <summary>A fresh, empty store.</summary>
    protected abstract Task<IFeedStore> CreateStoreAsync();

    /// <summary>Closes the store and opens the same data again, as after a restart.</summary>
    protected abstract Task<IFeedStore> ReopenAsync(IFeedStore store);

    protected abstract Task DisposeStoreAsync(IFeedStore store);

    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    public Task DisposeAsync() => DisposeStoreAsync(Store);

    [Fact]
    public async Task A_source_round_trips_with_its_settings_and_fetch_state()
    {
        var source = await Store.AddSourceAsync(NewSource("https://blog.example/feed"), default);
        await ChangeAsync(source.Id, stored =>
        {
            stored.Fetch.ETag = "\"abc\"";
            stored.Fetch.LastModified = "Tue, 03 Nov 2026 10:00:00 GMT";
            stored.Fetch.LastError = "the server answered 500";
            stored.Fetch.LastErrorKind = FetchErrorKind.HttpStatus;
            stored.Fetch.ConsecutiveFailures = 3;
            stored.Fetch.NextPollAt = T0.AddHours(1);
            stored.MinInterval = TimeSpan.FromMinutes(10);
            stored.State = SourceState.Paused;
        });

        Store = await ReopenAsync(Store);
        var stored = await Store.GetSourceAsync(source.Id, default);

        Assert.NotNull(stored);
        Assert.True(source.Id > 0);
        Assert.Equal("https://blog.example/feed", stored.FeedUrl);
        Assert.Equal(["Tech", "Français"], stored.Categories);
        Assert.Equal(T0, stored.CreatedAt);
        Assert.Equal(TimeSpan.Zero, stored.CreatedAt.Offset);
        Assert.Equal("\"abc\"", stored.Fetch.ETag);
        Assert.Equal("Tue, 03 Nov 2026 10:00:00 GMT", stored.Fetch.LastModified);
        Assert.Equal(FetchErrorKind.HttpStatus, stored.Fetch.LastErrorKind);
        Assert.Equal(3, stored.Fetch.ConsecutiveFailures);
        Assert.Equal(T0.AddHours(1), stored.Fetch.NextPollAt);
        Assert.Equal(TimeSpan.FromMinutes(10), stored.MinInterval);
        Assert.Null(stored.MaxInterval);
        Assert.Equal(SourceState.Paused, stored.State);
    }

    [Theory]
    [InlineData("https://BLOG.example/feed")]
    [InlineData("https://blog.example/feed#top")]
    [InlineData("https://blog.example:443/feed?utm_source=x")]
    public async Task Sources_are_found_by_normalised_feed_url(string lookedUp)
    {
        var source = await Store.AddSourceAsync(NewSource("https://blog.example/feed"), default);

        var found = await Store.FindSourceByFeedUrlAsync(lookedUp, default);

        Assert.Equal(source.Id, found?.Id);
        Assert.Null(await Store.FindSourceByFeedUrlAsync("https://blog.example/other-feed", default));
    }

    [Fact]
    public async Task Articles_are_found_by_key_within_their_source_only()
    {
        var a = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var b = await Store.AddSourceAsync(NewSource("https://b.example/feed"), default);
        await Store.SaveArticlesAsync([NewArticle(a.Id, "id:1", T0), NewArticle(b.Id, "id:1", T0)], [], default);

        var found = await Store.GetArticlesByKeysAsync(a.Id, ["id:1", "id:2"], default);

        var article = Assert.Single(found);
        Assert.Equal(a.Id, article.SourceId);
        Assert.Equal("Post id:1", article.Title);
    }

    [Fact]
    public async Task An_update_replaces_the_article_in_place()
    {
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var article = NewArticle(source.Id, "id:1", T0);
        await Store.SaveArticlesAsync([article], [], default);
        var id = article.Id;
        article.Title = "Edited";
        article.Content = "<p>new text</p>";
        article.ExtractedText = "extracted";
        await Store.SaveArticlesAsync([], [article], default);

        Store = await ReopenAsync(Store);
        var stored = await Store.GetArticleAsync(id, default);

        Assert.NotNull(stored);
        Assert.Equal("Edited", stored.Title);
        Assert.Equal("<p>new text</p>", stored.Content);
        Assert.Equal("extracted", stored.ExtractedText);
        Assert.Equal(T0, stored.FirstSeenAt);
        Assert.Equal(1, await Store.CountArticlesAsync(null, default));

        var later = NewArticle(source.Id, "id:2", T0);
        await Store.SaveArticlesAsync([later], [], default);
        Assert.NotEqual(id, later.Id);
        Assert.Equal("Edited", (await Store.GetArticleAsync(id, default))?.Title);
        Assert.Equal(2, await Store.CountArticlesAsync(source.Id, default));
    }

    [Fact]
    public async Task The_river_is_newest_first_and_paging_reaches_every_article_once_even_with_equal_dates()
    {
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var articles = Enumerable.Range(0, 57)
            .Select(i => NewArticle(source.Id, $"id:{i}", T0.AddDays(-(i / 4))))
            .ToList();
        await Store.SaveArticlesAsync(articles, [], default);

        var seen = new List<Article>();
        ArticleCursor? cursor = null;
        while (true)
        {
            var page = await Store.ListArticlesAsync(new ArticleQuery { Before = cursor, Limit = 10 }, default);
            if (page.Count == 0)
            {
                break;
            }

            seen.AddRange(page);
            cursor = ArticleCursor.Of(page[^1]);
        }

        Assert.Equal(57, seen.Count);
        Assert.Equal(57, seen.Select(a => a.Id).Distinct().Count());
        var expectedOrder = seen.OrderByDescending(a => a.SortDate).ThenByDescending(a => a.Id).Select(a => a.Id);
        Assert.Equal(expectedOrder, seen.Select(a => a.Id));
    }

    [Fact]
    public async Task The_river_filters_by_source_and_time_window()
    {
        var a = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var b = await Store.AddSourceAsync(NewSource("https://b.example/feed"), default);
        await Store.SaveArticlesAsync(
            [NewArticle(a.Id, "id:1", T0), NewArticle(b.Id, "id:2", T0.AddHours(-1)), NewArticle(a.Id, "id:3", T0.AddDays(-2))], [], default);

        var onlyA = await Store.ListArticlesAsync(new ArticleQuery { SourceIds = [a.Id] }, default);
        var none = await Store.ListArticlesAsync(new ArticleQuery { SourceIds = [] }, default);
        var day = await Store.ListArticlesAsync(new ArticleQuery { From = T0.AddDays(-1), To = T0 }, default);

        Assert.Equal(["id:1", "id:3"], onlyA.Select(x => x.Key));
        Assert.Empty(none);
        Assert.Equal(["id:2"], day.Select(x => x.Key));
    }

    [Fact]
    public async Task Removing_a_source_removes_or_keeps_its_articles()
    {
        var a = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var b = await Store.AddSourceAsync(NewSource("https://b.example/feed"), default);
        await Store.SaveArticlesAsync([NewArticle(a.Id, "id:1", T0), NewArticle(b.Id, "id:2", T0)], [], default);

        Assert.True(await Store.RemoveSourceAsync(a.Id, keepArticles: false, default));
        Assert.True(await Store.RemoveSourceAsync(b.Id, keepArticles: true, default));
        Assert.False(await Store.RemoveSourceAsync(b.Id, keepArticles: true, default));

        Assert.Empty(await Store.ListSourcesAsync(default));
        Assert.Equal(0, await Store.CountArticlesAsync(a.Id, default));
        Assert.Equal(1, await Store.CountArticlesAsync(b.Id, default));
    }

    [Fact]
    public async Task The_version_moves_on_every_write()
    {
        var before = await Store.GetVersionAsync(default);
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var afterSource = await Store.GetVersionAsync(default);
        await Store.SaveArticlesAsync([NewArticle(source.Id, "id:1", T0)], [], default);
        var afterArticle = await Store.GetVersionAsync(default);

        Assert.NotEqual(before, afterSource);
        Assert.NotEqual(afterSource, afterArticle);
        Assert.Equal(afterArticle, await Store.GetVersionAsync(default));
    }

    [Fact]
    public async Task A_poll_that_changes_only_fetch_state_keeps_the_version_and_a_rename_moves_it()
    {
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var added = await Store.GetVersionAsync(default);

        await ChangeAsync(source.Id, stored =>
        {
            stored.Fetch.ETag = "\"v2\"";
            stored.Fetch.PollCount++;
            stored.Fetch.NextPollAt = T0.AddHours(1);
        });
        var polled = await Store.GetVersionAsync(default);

        await ChangeAsync(source.Id, stored => stored.DisplayName = "A renamed blog");
        var renamed = await Store.GetVersionAsync(default);

        await ChangeAsync(source.Id, stored => stored.Categories.Add("News"));
        var categorised = await Store.GetVersionAsync(default);

        Assert.Equal(added, polled);
        Assert.NotEqual(polled, renamed);
        Assert.NotEqual(renamed, categorised);
        Assert.Equal("\"v2\"", (await Store.GetSourceAsync(source.Id, default))!.Fetch.ETag);
    }

    [Fact]
    public async Task Settings_survive_a_restart()
    {
        Assert.Null(await Store.GetSettingAsync("starter", default));
        await Store.SetSettingAsync("starter", "done", default);
        await Store.SetSettingAsync("starter", "done again", default);

        Store = await ReopenAsync(Store);

        Assert.Equal("done again", await Store.GetSettingAsync("starter", default));
    }

    [Fact]
    public async Task Of_callers_claiming_a_setting_at_once_exactly_one_gets_it_and_its_value_stays()
    {
        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(n => Task.Run(() => Store.ClaimSettingAsync("starter", $"node {n}", default))));

        Assert.Equal(1, claims.Count(claimed => claimed));
        var winner = Array.IndexOf(claims, true);
        Assert.Equal($"node {winner}", await Store.GetSettingAsync("starter", default));
        Assert.False(await Store.ClaimSettingAsync("starter", "late", default));
        Assert.Equal($"node {winner}", await Store.GetSettingAsync("starter", default));
    }

    [Fact]
    public async Task Every_field_of_an_article_and_a_source_survives_the_store()
    {
        var source = NewSource("https://every.example/feed");
        source.SiteUrl = "https://every.example/";
        source.DisplayName = "Every field";
        source.Extraction = ExtractionMode.Always;
        source.ExtractionSelector = "article .body";
        source.MaxInterval = TimeSpan.FromHours(6);
        source.Fetch = new FetchState
        {
            ETag = "\"e\"", LastModified = "Tue, 03 Nov 2026 10:00:00 GMT", LastAttemptAt = T0, LastSuccessAt = T0, LastNewItemAt = T0,
            NextPollAt = T0.AddHours(1), LastStatusCode = 304, LastError = "e", LastErrorKind = FetchErrorKind.Timeout, LastErrorAt = T0,
            ConsecutiveFailures = 4, PollCount = 9, NotModifiedCount = 5, ErrorCount = 4, BytesReceived = 1234, BytesSaved = 5678,
            LastBodySize = 99, PendingRedirectUrl = "https://every.example/new", PendingRedirectCount = 2, MovedFrom = "https://every.example/old",
            MovedAt = T0, ParseWarning = "bare ampersand",
        };
        await Store.AddSourceAsync(source, default);
        var article = NewArticle(source.Id, "id:every", T0.AddHours(-3));
        article.CanonicalUrl = "every.example/post";
        article.Author = "Ada";
        article.Summary = "<p>s</p>";
        article.ImageUrl = "https://every.example/a.png";
        article.Tags = ["one", "two"];
        article.Updated = T0.AddHours(-1);
        article.Extraction = ExtractionState.TooShort;
        article.ExtractionError = "only 12 words";
        article.ExtractedHtml = "<p>x</p>";
        article.ExtractedText = "x";
        article.Excerpt = "Hello";
        article.WordCount = 12;
        article.Language = "fr";
        await Store.SaveArticlesAsync([article], [], default);

        Store = await ReopenAsync(Store);

        var json = new System.Text.Json.JsonSerializerOptions();
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(source, json), System.Text.Json.JsonSerializer.Serialize(await Store.GetSourceAsync(source.Id, default), json));
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(article, json), System.Text.Json.JsonSerializer.Serialize(await Store.GetArticleAsync(article.Id, default), json));
    }

    [Fact]
    public async Task Articles_keep_unicode_and_large_content()
    {
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var article = NewArticle(source.Id, "id:日本語", T0);
        article.Title = "Éditorial — 日本語のタイトル — العربية";
        article.Content = "<p>" + new string('x', 2_000_000) + "</p>";
        await Store.SaveArticlesAsync([article], [], default);

        var stored = await Store.GetArticleAsync(article.Id, default);

        Assert.Equal(article.Title, stored?.Title);
        Assert.Equal(article.Content.Length, stored?.Content?.Length);
        Assert.Single(await Store.GetArticlesByKeysAsync(source.Id, ["id:日本語"], default));
    }

    [Fact]
    public async Task An_item_whose_feed_id_is_longer_than_an_index_entry_is_stored_found_and_not_duplicated()
    {
        // Some feeds use a whole URL with a long query, or even the item's text, as its guid.
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var key = "id:https://a.example/?" + string.Concat(Enumerable.Range(0, 400).Select(n => $"p{n}=é&"));
        await Store.SaveArticlesAsync([NewArticle(source.Id, key, T0)], [], default);

        var found = Assert.Single(await Store.GetArticlesByKeysAsync(source.Id, [key, key[..^1]], default));
        found.Title = "Edited";
        await Store.SaveArticlesAsync([], [found], default);

        Assert.Equal(key, found.Key);
        Assert.Equal(1, await Store.CountArticlesAsync(source.Id, default));
        Assert.Equal("Edited", (await Store.GetArticleAsync(found.Id, default))?.Title);
    }

    [Fact]
    public async Task A_curator_round_trips_with_password_hash_and_tokens()
    {
        var curator = await Store.AddCuratorAsync(new Curator
        {
            Name = "Ada",
            PasswordHash = "hashed-password",
            CreatedAt = T0,
            Tokens = [new ApiToken { Hash = "aa11", Prefix = "fh_aa", CreatedAt = T0 }],
        }, default);
        await Store.ChangeCuratorAsync(curator.Id, held =>
        {
            held.Tokens[0].LastUsedAt = T0.AddMinutes(5);
            held.Tokens.Add(new ApiToken { Hash = "bb22", Prefix = "fh_bb", CreatedAt = T0.AddMinutes(1), RevokedAt = T0.AddMinutes(2) });
            return true;
        }, default);

        Store = await ReopenAsync(Store);
        var stored = await Store.GetCuratorByNameAsync("ada", default);

        Assert.NotNull(stored);
        Assert.True(curator.Id > 0);
        Assert.Equal(curator.Id, stored.Id);
        Assert.Equal("Ada", stored.Name);
        Assert.Equal("hashed-password", stored.PasswordHash);
        Assert.Equal(T0, stored.CreatedAt);
        Assert.Equal(["aa11", "bb22"], stored.Tokens.Select(t => t.Hash));
        Assert.Equal(T0.AddMinutes(5), stored.Tokens[0].LastUsedAt);
        Assert.True(stored.Tokens[0].IsActive);
        Assert.Equal(T0.AddMinutes(2), stored.Tokens[1].RevokedAt);
    }

    [Fact]
    public async Task Curators_are_found_by_token_hash_and_listed_in_creation_order()
    {
        await Store.AddCuratorAsync(new Curator { Name = "Ada", CreatedAt = T0, Tokens = [new ApiToken { Hash = "aa11", Prefix = "fh_aa", CreatedAt = T0 }] }, default);
        await Store.AddCuratorAsync(new Curator { Name = "Grace", CreatedAt = T0, Tokens = [new ApiToken { Hash = "cc33", Prefix = "fh_cc", CreatedAt = T0 }] }, default);

        Assert.Equal("Grace", (await Store.FindCuratorByTokenHashAsync("cc33", default))?.Name);
        Assert.Null(await Store.FindCuratorByTokenHashAsync("dd44", default));
        Assert.Null(await Store.GetCuratorByNameAsync("Linus", default));
        Assert.Equal(["Ada", "Grace"], (await Store.ListCuratorsAsync(default)).Select(c => c.Name));
    }

    private static Source NewSource(string url) => new()
    {
        FeedUrl = url,
        Title = "A blog",
        Categories = ["Tech", "Français"],
        CreatedAt = T0,
        Fetch = new FetchState { NextPollAt = T0 },
    };

    private static Article NewArticle(long sourceId, string key, DateTimeOffset published) => new()
    {
        SourceId = sourceId,
        Key = key,
        ContentHash = "hash-" + key,
        Title = "Post " + key,
        Link = "https://a.example/" + Uri.EscapeDataString(key),
        Published = published,
        SortDate = published,
        FirstSeenAt = T0,
        ChangedAt = T0,
        Content = "<p>Hello</p>",
    };
}
