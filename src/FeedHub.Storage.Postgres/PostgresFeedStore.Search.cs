using System.Globalization;
using System.Text;
using System.Text.Json;
using FeedHub.Core.Model;
using FeedHub.Core.Search;
using FeedHub.Core.Storage;
using Npgsql;

namespace FeedHub.Storage.Postgres;

/// <summary>
/// Full-text search with PostgreSQL's text search: each article's <c>search_document</c> is built by a trigger with
/// the configuration of its language (migration 0007) and indexed with GIN. A query is stemmed once per
/// configuration and each form only meets articles of that configuration, so a word excluded in English is not let
/// back in by its French stem: the GIN index holds each document with a marker of its configuration
/// (<c>feedhub_search_marked</c>, migration 0012), which it is asked for with the form.
/// </summary>
public sealed partial class PostgresFeedStore
{
    /// <summary>
    /// At most how many of the newest articles (after the filters) a walk reads one by one, when the planner expects the
    /// words in more than one article in forty: a page then fills from them, the walk stopping as soon as it does, and
    /// checking a row costs little next to reading the GIN index's long lists of where common words occur.
    /// </summary>
    private const int WalkedRows = 4000;

    /// <summary>
    /// How far back from the newest possible match the GIN index is asked, before the whole river: only a word too rare
    /// for the walk gets here, and the windows keep rows fetched to those of the last weeks when it is not that rare.
    /// </summary>
    private static readonly TimeSpan[] Windows = [TimeSpan.FromDays(8), TimeSpan.FromDays(64)];

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
        var plan = await PrepareSearchAsync(query, cancellationToken).ConfigureAwait(false);
        if (plan.Forms is not { } forms)
        {
            return [];
        }

        var limit = Math.Clamp(query.Limit, 1, MaxPageSize);
        if (!forms.HasPairs && (plan.MatchedShare is not { } share || share * WalkedRows >= 2 * limit))
        {
            var walked = await ListRiverAsync(query, new SearchStep(forms, Walk: true), cancellationToken).ConfigureAwait(false);
            if (walked.Count == limit)
            {
                return walked;
            }
        }

        var search = new SearchStep(forms, Walk: false);
        if (plan.Newest is { } anchor && !(plan.MostMatches <= FewMatches))
        {
            foreach (var window in Windows)
            {
                if (query.From is null || query.From < anchor - window)
                {
                    // Everything newer than the window's start is in it, so a full page from it is the page.
                    var page = await ListRiverAsync(query with { From = anchor - window }, search, cancellationToken).ConfigureAwait(false);
                    if (page.Count == limit)
                    {
                        return page;
                    }
                }
            }
        }

        return await ListRiverAsync(query, search, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One attempt at a page of matches: a walk of the newest rows, or the GIN index's matches.</summary>
    private sealed record SearchStep(SearchForms Forms, bool Walk);

    /// <summary>
    /// The page of matches among the rows that meet <paramref name="filter"/>. A walk checks the newest
    /// <see cref="WalkedRows"/> in river order (a full page of them is the page, since all later rows are older); else the
    /// matches are gathered first, without an order, so the planner asks the GIN index (with the river or source index
    /// for the window) rather than walk the river in order checking each row, and only their dates are sorted.
    /// </summary>
    private static string SearchPageSql(NpgsqlCommand command, SearchStep step, string filter)
    {
        var match = step.Walk ? step.Forms.RowCondition(command) : step.Forms.IndexCondition(command);
        if (step.Walk)
        {
            command.Parameters.Add(new NpgsqlParameter<int>("walked", WalkedRows));
            // The newest rows' ids come from the river or source index alone, and each row is read only when the walk
            // reaches it: a category's rows are not all read and sorted first. The check is a subquery of its own (its
            // LIMIT keeps the planner from making it a join): as a join, with the words' matches estimated far too
            // few, PostgreSQL checked every article's document in a scan of the whole table, then joined the newest
            // (a common word at 100,000 articles: 837 ms, where the walk stops after 367 rows in 14 ms).
            return $"""
                SELECT {ArticleColumns.SelectList} FROM articles
                WHERE id IN (
                    SELECT newest.id FROM (
                        SELECT id, sort_date FROM articles
                        WHERE {filter}
                        ORDER BY sort_date DESC, id DESC
                        LIMIT @walked) AS newest
                    CROSS JOIN LATERAL (
                        SELECT 1 FROM articles AS candidate
                        WHERE candidate.id = newest.id AND {match}
                        LIMIT 1) AS hit
                    ORDER BY newest.sort_date DESC, newest.id DESC
                    LIMIT @limit)
                ORDER BY sort_date DESC, id DESC
                """;
        }

        return $"""
            WITH matches AS MATERIALIZED (
                SELECT id, sort_date FROM articles
                WHERE {filter} AND {match})
            SELECT {ArticleColumns.SelectList} FROM articles
            WHERE id IN (SELECT id FROM matches ORDER BY sort_date DESC, id DESC LIMIT @limit)
            ORDER BY sort_date DESC, id DESC
            """;
    }

    /// <summary>
    /// What a search is planned from: the query's form in each language's configuration (none when no article can
    /// match, nothing but punctuation say), the newest date a match can have (where the windows start), the
    /// planner's estimate of the share of articles the forms match (none before the table was first analysed), and
    /// how many articles they may match at most (see <see cref="SearchForms.RequiredWords"/>).
    /// </summary>
    private sealed record SearchPlan(SearchForms? Forms, DateTimeOffset? Newest, double? MatchedShare, double? MostMatches);

    /// <summary>Matches the GIN index can hand over at once, without windows; more, and the windows keep the fetch small.</summary>
    private const double FewMatches = 2000;

    /// <summary>
    /// The query's form in a configuration, or an empty query when nothing is left of its wanted words (all stop words
    /// there) but exclusions: that would match nearly every article of the language, and no index could find them.
    /// </summary>
    private static string WantedForm(string config)
        => $"(CASE WHEN querytree(websearch_to_tsquery({config}, @search)) = 'T' THEN ''::tsquery ELSE websearch_to_tsquery({config}, @search) END)";

    /// <summary>
    /// Reads what <see cref="SearchPlan"/> holds: the forms, the table's size and the newest date in one round trip, then
    /// the planner's estimate for the distinct forms OR-ed: one on the forms of every configuration counted a word
    /// shared by sixteen languages sixteen times, and sent rare words to a walk of the newest rows that found too few.
    /// </summary>
    private async Task<SearchPlan> PrepareSearchAsync(ArticleQuery query, CancellationToken cancellationToken)
    {
        var search = query.Search!.ToString();
        var formsByConfig = new List<(string Config, string Marker, string Form)>(SearchLanguages.All.Count);
        double articles;
        DateTimeOffset? anchor = query.Before?.SortDate;
        await using (var batch = _dataSource.CreateBatch())
        {
            var stemming = new NpgsqlBatchCommand(
                $"SELECT config::text, {WantedForm("config")}::text, feedhub_search_marker(config) FROM unnest(@configs::regconfig[]) AS config");
            stemming.Parameters.Add(new NpgsqlParameter<string>("search", search));
            stemming.Parameters.Add(new NpgsqlParameter<string[]>("configs", [.. SearchLanguages.All]));
            batch.BatchCommands.Add(stemming);
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT reltuples::float8 FROM pg_class WHERE oid = 'articles'::regclass"));
            if (query.Before is null)
            {
                var newest = new NpgsqlBatchCommand("SELECT max(sort_date) FROM articles WHERE sort_date < @to");
                newest.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("to", Timestamps.ToStored(query.To ?? DateTimeOffset.MaxValue)));
                batch.BatchCommands.Add(newest);
            }

            batch.Timeout = SearchTimeoutSeconds;
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                formsByConfig.Add((reader.GetString(0), reader.GetString(2), reader.GetString(1)));
            }

            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            articles = reader.GetDouble(0);
            if (query.Before is null && await reader.NextResultAsync(cancellationToken).ConfigureAwait(false)
                && await reader.ReadAsync(cancellationToken).ConfigureAwait(false) && !reader.IsDBNull(0))
            {
                anchor = new DateTimeOffset(reader.GetDateTime(0), TimeSpan.Zero);
            }
        }

        var forms = SearchForms.Of(formsByConfig, _pairsIndexValid);
        if (forms is null || articles <= 0)
        {
            return new SearchPlan(forms, anchor, null, null);
        }

        // The planner multiplies the shares of words AND-ed as if they occurred independently; the words of one text do
        // not ("people" and "encourage": 756 articles estimated, 5,188 found), and an estimate that low sent such
        // queries past the windows, to fetch and sort every match. No form matches more than its rarest required word.
        var required = forms.RequiredWords();
        var words = required?.SelectMany(group => group).Distinct(StringComparer.Ordinal).ToList() ?? [];
        if (words.Count > MaxWordsEstimated)
        {
            (required, words) = (null, []);
        }

        var estimates = new double[1 + words.Count];
        await using (var batch = _dataSource.CreateBatch())
        {
            foreach (var form in words.Prepend(forms.AnyForm()))
            {
                var estimate = new NpgsqlBatchCommand("EXPLAIN (FORMAT JSON) SELECT 1 FROM articles WHERE search_document @@ @form::tsquery");
                estimate.Parameters.Add(new NpgsqlParameter<string>("form", form));
                batch.BatchCommands.Add(estimate);
            }

            batch.Timeout = SearchTimeoutSeconds;
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < estimates.Length; i++)
            {
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                using var explained = JsonDocument.Parse(reader.GetString(0));
                estimates[i] = explained.RootElement[0].GetProperty("Plan").GetProperty("Plan Rows").GetDouble();
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        var mostMatches = required is null
            ? estimates[0]
            : Math.Max(estimates[0], required.Sum(group => group.Min(word => estimates[1 + words.IndexOf(word)])));
        return new SearchPlan(forms, anchor, estimates[0] / articles, mostMatches);
    }

    /// <summary>Beyond this many distinct required words, a query's most matches are taken from the planner's estimate.</summary>
    private const int MaxWordsEstimated = 12;

    /// <summary>
    /// A query's forms, grouped by the configurations that give the same one. When the configurations disagree, each
    /// form is asked of the GIN index with the markers of its configurations (or, when they are most of them, without
    /// the markers of the others), all in one probe, which so answers which article matches in its own language without
    /// opening any document. A configuration whose form is empty (the query being only stop words there) is in no
    /// group, so its articles match nothing.
    /// </summary>
    internal sealed class SearchForms
    {
        private readonly List<(string Form, List<(string Config, string Marker)> Configs)> _groups;
        private readonly IReadOnlyList<(string Config, string Marker, string Form)> _all;
        private readonly bool _sameEverywhere;
        private readonly List<(string Query, bool Exact)?> _pairs;

        private SearchForms(List<(string Form, List<(string Config, string Marker)> Configs)> groups, IReadOnlyList<(string Config, string Marker, string Form)> all, bool pairsIndexed)
        {
            _groups = groups;
            _all = all;
            _sameEverywhere = groups.Count == 1 && groups[0].Configs.Count == all.Count;
            _pairs = [.. groups.Select(group => pairsIndexed ? PairsOf(group.Form) : null)];
        }

        /// <summary>
        /// The forms of each configuration, with its marker (<c>feedhub_search_marker</c>). Without a valid word-pairs
        /// index (<paramref name="pairsIndexed"/> false), phrases are asked of the words index as their words.
        /// </summary>
        public static SearchForms? Of(IReadOnlyList<(string Config, string Marker, string Form)> forms, bool pairsIndexed)
        {
            var groups = new List<(string Form, List<(string Config, string Marker)> Configs)>();
            foreach (var (config, marker, form) in forms.Where(f => f.Form.Length > 0))
            {
                var index = groups.FindIndex(g => g.Form == form);
                if (index < 0)
                {
                    groups.Add((form, [(config, marker)]));
                }
                else
                {
                    groups[index].Configs.Add((config, marker));
                }
            }

            return groups.Count == 0 ? null : new SearchForms(groups, forms, pairsIndexed);
        }

        /// <summary>
        /// Whether the query has a phrase the word-pairs index can answer (see <see cref="PairsOf"/>): then it is asked
        /// of that index, whose matches are few even when the phrase's words are everywhere, and never by a walk of
        /// the newest rows, which would hold each of them to the phrase.
        /// </summary>
        public bool HasPairs => _pairs.All(pairs => pairs is not null);

        /// <summary>
        /// The condition the GIN indexes answer, its parameters added to <paramref name="command"/>. A language whose form
        /// has a phrase of adjacent words asks the word-pairs index (migration 0015) for those pairs; the others ask the
        /// words index, a phrase there as its words alone. Unless the pairs and forms asked say it all, the candidates are
        /// held to the whole query on their stored document (<see cref="RowCondition"/>): checking positions against an
        /// index's own expression would build every candidate's document again.
        /// </summary>
        public string IndexCondition(NpgsqlCommand command)
        {
            var paired = Enumerable.Range(0, _groups.Count).Where(i => _pairs[i] is not null).ToList();
            var unpaired = Enumerable.Range(0, _groups.Count).Where(i => _pairs[i] is null).ToList();
            var conditions = new List<string>(2);
            if (paired.Count > 0)
            {
                command.Parameters.Add(new NpgsqlParameter<string>("search_pairs", Marked(paired, i => _pairs[i]!.Value.Query)));
                conditions.Add("feedhub_search_pairs(search_document, search_config) @@ @search_pairs::tsquery");
            }

            var loosened = false;
            if (unpaired.Count > 0)
            {
                loosened = unpaired.Any(i => WordsOf(_groups[i].Form) is not null);
                command.Parameters.Add(new NpgsqlParameter<string>("search_marked", Marked(unpaired, i => WordsOf(_groups[i].Form) ?? _groups[i].Form)));
                conditions.Add("feedhub_search_marked(search_document, search_config) @@ @search_marked::tsquery");
            }

            // Languages whose form has a phrase of adjacent words ask the pairs index, the others the words index.
            var condition = conditions.Count == 1 ? conditions[0] : $"({string.Join(" OR ", conditions)})";
            var exact = !loosened && paired.All(i => _pairs[i]!.Value.Exact);
            return exact ? condition : $"{condition} AND {RowCondition(command)}";
        }

        /// <summary>
        /// The words each group's form requires of every match (those outside negations: a phrase requires its words),
        /// or null when a form requires none on its own (an OR outside a negation, or only negations).
        /// </summary>
        public IReadOnlyList<IReadOnlyList<string>>? RequiredWords()
        {
            var required = new List<IReadOnlyList<string>>(_groups.Count);
            foreach (var (form, _) in _groups)
            {
                if (RequiredWordsOf(form) is not { } words)
                {
                    return null;
                }

                required.Add(words);
            }

            return required;
        }

        /// <summary>
        /// The lexemes (quoted, with any weight or prefix mark, so each is a tsquery of its own) that every match of
        /// <paramref name="form"/> holds, or null when there are none that all matches must hold.
        /// Lexemes are quoted, with <c>''</c> for a quote inside; only what is outside quotes is an operator.
        /// </summary>
        internal static IReadOnlyList<string>? RequiredWordsOf(string form)
        {
            var required = new List<string>();
            var depth = 0;
            var negatedGroups = new Stack<int>();
            var negateNext = false;
            for (var i = 0; i < form.Length; i++)
            {
                var c = form[i];
                if (c == '\'')
                {
                    var end = ClosingQuote(form, i);

                    var last = end;
                    if (last + 1 < form.Length && form[last + 1] == ':')
                    {
                        last++;
                        while (last + 1 < form.Length && (char.IsAsciiLetter(form[last + 1]) || form[last + 1] == '*'))
                        {
                            last++;
                        }
                    }

                    if (!negateNext && negatedGroups.Count == 0)
                    {
                        required.Add(form[i..Math.Min(last + 1, form.Length)]);
                    }

                    negateNext = false;
                    i = last;
                }
                else if (c == '!')
                {
                    negateNext = true;
                }
                else if (c == '(')
                {
                    depth++;
                    if (negateNext)
                    {
                        negatedGroups.Push(depth);
                        negateNext = false;
                    }
                }
                else if (c == ')')
                {
                    if (negatedGroups.TryPeek(out var negated) && negated == depth)
                    {
                        negatedGroups.Pop();
                    }

                    depth--;
                }
                else if (c == '|' && negatedGroups.Count == 0)
                {
                    return null;
                }
            }

            return required.Count == 0 ? null : required;
        }

        /// <summary>The forms of the groups OR-ed, without markers: what the planner estimates the share of matches on.</summary>
        public string AnyForm() => string.Join(" | ", _groups.Select(group => $"( {group.Form} )"));

        /// <summary>The query of each of these groups with the markers of its configurations, OR-ed.</summary>
        private string Marked(List<int> groups, Func<int, string> form)
            => _sameEverywhere
                ? form(0)
                : string.Join(" | ", groups.Select(i =>
                {
                    var own = _groups[i].Configs.Select(c => c.Marker).ToList();
                    var others = _all.Select(f => f.Marker).Except(own, StringComparer.Ordinal).ToList();
                    return own.Count <= others.Count
                        ? $"( ( {form(i)} ) & ( {AnyOf(own)} ) )"
                        : $"( ( {form(i)} ) & !( {AnyOf(others)} ) )";
                }));

        /// <summary>
        /// What the word-pairs index is asked for a form: the pairs of words its phrases hold side by side
        /// (<c>'a' &lt;-&gt; 'b'</c> gives <c>'a + b'</c>), all of them AND-ed, or null when the form has no such phrase
        /// among the parts it ANDs together (nor when an OR holds them). Those other parts (a word, a negation, an OR) are left to the check on the
        /// stored document, which leaving them out of the index's question only lets more candidates through to. Exact
        /// when the form is one phrase of two words: its pair then says all, no document need be opened.
        /// Lexemes are quoted, with <c>''</c> for a quote inside; only what is outside quotes is an operator.
        /// </summary>
        internal static (string Query, bool Exact)? PairsOf(string form)
        {
            var parts = new List<List<string>>();
            var part = new List<string>();
            var depth = 0;
            for (var i = 0; i < form.Length; i++)
            {
                var c = form[i];
                if (c == '\'')
                {
                    var end = ClosingQuote(form, i);

                    part.Add(form[i..Math.Min(end + 1, form.Length)]);
                    i = end;
                }
                else if (c == '<' && depth == 0 && form.IndexOf('>', i) is var close and > 0)
                {
                    part.Add(form[i..(close + 1)]);
                    i = close;
                }
                else if (c == '&' && depth == 0)
                {
                    parts.Add(part);
                    part = [];
                }
                else if (c == '|' && depth == 0)
                {
                    // OR binds looser than AND: no part of this form is needed by all its matches.
                    return null;
                }
                else if (!char.IsWhiteSpace(c))
                {
                    depth += c == '(' ? 1 : c == ')' ? -1 : 0;
                    part.Add(c.ToString());
                }
            }

            parts.Add(part);
            var pairs = new List<string>();
            foreach (var tokens in parts)
            {
                // A phrase: lexemes joined by distances, and nothing else (no weight, no prefix, no parenthesis).
                if (tokens.Count < 3 || tokens.Count % 2 == 0 || tokens.Where((token, n) => n % 2 == 0 ? token[0] != '\'' : token[0] != '<').Any())
                {
                    continue;
                }

                for (var n = 1; n < tokens.Count; n += 2)
                {
                    if (tokens[n] == "<->")
                    {
                        pairs.Add($"{tokens[n - 1][..^1]} + {tokens[n + 1][1..]}");
                    }
                }
            }

            return pairs.Count == 0 ? null : (string.Join(" & ", pairs), parts is [{ Count: 3 } only] && only[1] == "<->");
        }

        /// <summary>
        /// A form with its phrases (<c>&lt;-&gt;</c>, <c>&lt;N&gt;</c>) turned into "all these words", or null when it has
        /// no phrase, or has a negation (where "not all these words" would leave out articles "not this phrase" keeps).
        /// Lexemes are quoted, with <c>''</c> for a quote inside; only what is outside quotes is an operator.
        /// </summary>
        internal static string? WordsOf(string form)
        {
            var words = new StringBuilder(form.Length);
            var quoted = false;
            var phrase = false;
            for (var i = 0; i < form.Length; i++)
            {
                var c = form[i];
                if (c == '\'')
                {
                    quoted = !quoted;
                }
                else if (!quoted && c == '!')
                {
                    return null;
                }
                else if (!quoted && c == '<' && form.IndexOf('>', i) is var end and > 0)
                {
                    words.Append('&');
                    i = end;
                    phrase = true;
                    continue;
                }

                words.Append(c);
            }

            return phrase ? words.ToString() : null;
        }

        /// <summary>Where the lexeme quoted from <paramref name="open"/> ends: its closing quote (a <c>''</c> inside is a quote of the lexeme), or the form's end.</summary>
        private static int ClosingQuote(string form, int open)
        {
            var end = open + 1;
            while (end < form.Length && !(form[end] == '\'' && (end + 1 == form.Length || form[end + 1] != '\'')))
            {
                end += form[end] == '\'' ? 2 : 1;
            }

            return end;
        }

        // Markers come from feedhub_search_marker, over configuration names: no quote in them to escape.
        private static string AnyOf(IEnumerable<string> markers) => string.Join(" | ", markers.Select(marker => $"'{marker}'"));

        /// <summary>
        /// The same condition checked on each row read (the newest rows' walk): there each document is matched with its
        /// configuration's form, as adding the marker to every document read would cost more than the match itself.
        /// </summary>
        public string RowCondition(NpgsqlCommand command)
        {
            if (_sameEverywhere)
            {
                command.Parameters.Add(new NpgsqlParameter<string>("search_row", _groups[0].Form));
                return "search_document @@ @search_row::tsquery";
            }

            var condition = new StringBuilder("search_document @@ CASE");
            for (var i = 0; i < _groups.Count; i++)
            {
                // The configuration names come from SearchLanguages, never from the request.
                var configs = string.Join(", ", _groups[i].Configs.Select(c => $"'{c.Config}'::regconfig"));
                condition.Append(CultureInfo.InvariantCulture, $" WHEN search_config IN ({configs}) THEN @search_{i}::tsquery");
                command.Parameters.Add(new NpgsqlParameter<string>($"search_{i}", _groups[i].Form));
            }

            // No form for the article's configuration: NULL, which is not a match.
            return condition.Append(" END").ToString();
        }
    }
}
