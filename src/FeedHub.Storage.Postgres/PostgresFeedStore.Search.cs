using System.Text;
using FeedHub.Core.Model;
using FeedHub.Core.Search;
using FeedHub.Core.Storage;
using Npgsql;

namespace FeedHub.Storage.Postgres;

/// <summary>
/// Full-text search with PostgreSQL's text search: each article's <c>search_document</c> is built by a trigger with
/// the configuration of its language (migration 0007) and indexed with GIN. A query is stemmed once per
/// configuration and each form only meets articles of that configuration, so a word excluded in English is not let
/// back in by its French stem.
/// </summary>
public sealed partial class PostgresFeedStore
{
    // Markers for ts_headline that cannot occur in the text (they are removed from it first).
    private const char MatchStart = '\uE000';
    private const char MatchEnd = '\uE001';
    private const char FragmentBreak = '\uE002';

    // ts_headline leaves out what its parser takes for a tag, so an article's text that shows markup ("<b>") would lose
    // it from its passage: '<' goes to the server as this marker and comes back as itself.
    private const char LessThan = '\uE003';

    /// <summary>The condition a searched article meets; the query, in web-search syntax, is the parameter <c>@search</c>.</summary>
    internal static readonly string SearchMatchSql = "(" + string.Join(" OR ", SearchLanguages.All.Select(language =>
        $"(search_config = '{language}'::regconfig AND search_document @@ websearch_to_tsquery('{language}', @search))")) + ")";

    private static readonly string HeadlineOptions =
        $"MaxFragments=2, MaxWords=30, MinWords=12, StartSel=\"{MatchStart}\", StopSel=\"{MatchEnd}\", FragmentDelimiter=\"{FragmentBreak}\"";

    /// <summary>
    /// How far back from the newest possible match the first attempt looks. A page of a common word fills within days
    /// (walking the river index), and a rarer one is found in the window by both indexes at once; only a page the
    /// window cannot fill searches the whole river, where the GIN index finds the few matches.
    /// </summary>
    private static readonly TimeSpan FirstWindow = TimeSpan.FromDays(7);

    /// <summary>
    /// A search whose words are common but whose matches are rare (a phrase of frequent words, "a -a") can make the
    /// server check many documents one by one; it is cancelled after this long rather than hold a request.
    /// </summary>
    private const int SearchTimeoutSeconds = 5;

    /// <summary>
    /// A search stopped by its time limit (the server cancels the statement, or the client gives up waiting) is the
    /// search's fault, not the store's: it becomes <see cref="SearchTooSlowException"/>, which readers get as advice,
    /// and readiness is not told the store failed. A request the reader aborted stays a cancellation.
    /// </summary>
    private async Task<IReadOnlyList<Article>> SearchWithinTimeLimitAsync(ArticleQuery query, CancellationToken cancellationToken)
    {
        try
        {
            return await SearchInWindowsAsync(query, cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException stopped) when (!cancellationToken.IsCancellationRequested && IsTimeLimit(stopped))
        {
            throw new SearchTooSlowException(query.Search!, TimeSpan.FromSeconds(SearchTimeoutSeconds), stopped);
        }
    }

    private static bool IsTimeLimit(Exception? failure) => failure switch
    {
        null => false,
        PostgresException { SqlState: PostgresErrorCodes.QueryCanceled } or TimeoutException => true,
        _ => IsTimeLimit(failure.InnerException),
    };

    private async Task<IReadOnlyList<Article>> SearchInWindowsAsync(ArticleQuery query, CancellationToken cancellationToken)
    {
        var newest = query.Before?.SortDate;
        if (newest is null)
        {
            await using var command = _dataSource.CreateCommand("SELECT max(sort_date) FROM articles WHERE sort_date < @to");
            command.CommandTimeout = SearchTimeoutSeconds;
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("to", Timestamps.ToStored(query.To ?? DateTimeOffset.MaxValue)));
            newest = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is DateTime utc ? new DateTimeOffset(utc, TimeSpan.Zero) : null;
        }

        var limit = Math.Clamp(query.Limit, 1, MaxPageSize);
        if (newest is { } anchor && (query.From is null || query.From < anchor - FirstWindow))
        {
            // Everything newer than the window's start is in it, so a full page from it is the page.
            var page = await ListRiverAsync(query with { From = anchor - FirstWindow }, cancellationToken).ConfigureAwait(false);
            if (page.Count == limit)
            {
                return page;
            }
        }

        return await ListRiverAsync(query, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyDictionary<long, SearchHighlight>> HighlightAsync(SearchQuery query, IReadOnlyList<Article> articles, CancellationToken cancellationToken)
    {
        var bodies = articles.Select(a => SearchText.Body(a).Replace(MatchStart, ' ').Replace(MatchEnd, ' ').Replace(FragmentBreak, ' ').Replace(LessThan, ' ')).ToArray();
        await using var command = _dataSource.CreateCommand(
            """
            SELECT ts_headline(feedhub_search_config(u.language), u.body, websearch_to_tsquery(feedhub_search_config(u.language), @search), @options)
            FROM unnest(@languages, @bodies) WITH ORDINALITY AS u(language, body, n)
            ORDER BY u.n
            """);
        command.Parameters.Add(new NpgsqlParameter<string>("search", query.ToString()));
        command.Parameters.Add(new NpgsqlParameter<string>("options", HeadlineOptions));
        command.Parameters.Add(new NpgsqlParameter<string?[]>("languages", articles.Select(a => a.Language).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<string[]>("bodies", bodies.Select(body => body.Replace('<', LessThan)).ToArray()));

        var highlights = new Dictionary<long, SearchHighlight>(articles.Count);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        for (var i = 0; await reader.ReadAsync(cancellationToken).ConfigureAwait(false); i++)
        {
            highlights[articles[i].Id] = bodies[i].Length == 0 ? SearchHighlight.None : FromHeadline(reader.GetString(0), bodies[i]);
        }

        return highlights;
    }

    /// <summary>Reads ts_headline's fragments: markers become match positions, and the text is encoded for HTML.</summary>
    private static SearchHighlight FromHeadline(string headline, string body)
    {
        var fragments = new List<string>();
        var words = new List<string>();
        foreach (var marked in headline.Split(FragmentBreak, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var text = new StringBuilder(marked.Length);
            var matches = new List<TextMatch>();
            var start = -1;
            foreach (var c in marked)
            {
                if (c == MatchStart)
                {
                    start = text.Length;
                }
                else if (c == MatchEnd && start >= 0)
                {
                    matches.Add(new TextMatch(start, text.Length - start));
                    words.Add(text.ToString(start, text.Length - start));
                    start = -1;
                }
                else if (c != MatchEnd)
                {
                    text.Append(c == LessThan ? '<' : c);
                }
            }

            var plain = text.ToString();
            var html = SearchHighlighter.Render(plain, 0, plain.Length, matches);
            // ts_headline cuts fragments at words, leaving out punctuation around them: a fragment that reaches the
            // text's start or end gets it back instead of an ellipsis.
            var at = body.IndexOf(plain, StringComparison.Ordinal);
            fragments.Add(Edge(at < 0 ? null : body[..at]) + html + Edge(at < 0 ? null : body[(at + plain.Length)..]));

        }

        return new SearchHighlight(fragments, words.Distinct(StringComparer.OrdinalIgnoreCase).ToList());
    }

    /// <summary>What lies between a fragment and the text's start or end: itself when only punctuation, else an ellipsis.</summary>
    private static string Edge(string? rest)
        => rest is not null && rest.All(c => char.IsPunctuation(c) || char.IsSymbol(c) || char.IsWhiteSpace(c))
            ? System.Net.WebUtility.HtmlEncode(rest.Trim())
            : "…";
}
