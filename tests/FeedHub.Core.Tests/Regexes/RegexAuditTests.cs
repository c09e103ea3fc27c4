using System.Reflection;
using System.Text.RegularExpressions;

namespace FeedHub.Core.Tests.Regexes;

/// <summary>
/// The CI check that no regular expression can hold a worker: every one in FeedHub runs on the linear-time engine
/// (<see cref="RegexOptions.NonBacktracking"/>) or has a match timeout. It looks twice: at the compiled assemblies
/// (every <c>[GeneratedRegex]</c> and static <see cref="Regex"/> field, as the runtime built it) and at the sources of
/// <c>src/</c> and <c>tests/</c> (constructors and static <c>Regex.Match…</c> calls, which reflection cannot see).
/// </summary>
public sealed partial class RegexAuditTests
{
    private static readonly string[] SourceFolders = ["src", "tests"];

    private const string Advice = "use RegexOptions.NonBacktracking (no backreferences or lookarounds) or give a match timeout and handle RegexMatchTimeoutException";

    [Fact]
    public void Every_generated_regex_and_static_regex_field_is_linear_or_has_a_timeout()
    {
        var checkedCount = 0;
        var offenders = new List<string>();
        foreach (var assembly in FeedHubAssemblies())
        {
            foreach (var type in assembly.GetTypes())
            {
                const BindingFlags all = BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
                foreach (var member in type.GetMethods(all).Cast<MemberInfo>().Concat(type.GetProperties(all)))
                {
                    if (member.GetCustomAttribute<GeneratedRegexAttribute>() is not { } attribute)
                    {
                        continue;
                    }

                    checkedCount++;
                    var regex = member is MethodInfo method ? (Regex)method.Invoke(null, null)! : (Regex)((PropertyInfo)member).GetValue(null)!;
                    if (!IsSafe(attribute.Options, attribute.MatchTimeoutMilliseconds) || !IsSafe(regex))
                    {
                        offenders.Add($"{type.FullName}.{member.Name}: /{attribute.Pattern}/ ({attribute.Options})");
                    }
                }

                foreach (var field in type.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    if (field.FieldType == typeof(Regex) && !type.IsGenericTypeDefinition && field.GetValue(null) is Regex regex)
                    {
                        checkedCount++;
                        if (!IsSafe(regex))
                        {
                            offenders.Add($"{type.FullName}.{field.Name}: /{regex}/ ({regex.Options})");
                        }
                    }
                }
            }
        }

        Assert.True(checkedCount >= 10, $"found only {checkedCount} regular expressions in {string.Join(", ", FeedHubAssemblies().Select(a => a.GetName().Name))}: is the scan looking at the right assemblies?");
        Assert.True(offenders.Count == 0, $"regular expressions that can backtrack without a timeout ({Advice}):\n{string.Join("\n", offenders)}");
    }

    [Fact]
    public void No_source_file_builds_or_calls_a_regex_that_can_backtrack_without_a_timeout()
    {
        // The tests too: a test that hangs on a page it reads holds CI as surely as a worker. This file's own samples are strings.
        var root = RepositoryRoot();
        var files = SourceFolders
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(root, folder), "*.cs", SearchOption.AllDirectories))
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !path.Contains($"{Path.DirectorySeparatorChar}node_modules{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && Path.GetFileName(path) != $"{nameof(RegexAuditTests)}.cs")
            .ToList();
        var offenders = files.SelectMany(path => UnsafeRegexUses(File.ReadAllText(path)).Select(use => $"{Path.GetRelativePath(root, path)}:{use.Line}: {use.Code}")).ToList();

        Assert.True(files.Count > 50, $"found only {files.Count} source files under {root}");
        Assert.True(offenders.Count == 0, $"regular expressions that can backtrack without a timeout ({Advice}):\n{string.Join("\n", offenders)}");
    }

    [Theory]
    [InlineData("var r = new Regex(\"a+b\");")]
    [InlineData("var r = new Regex(pattern,\n    RegexOptions.IgnoreCase);")]
    [InlineData("if (Regex.IsMatch(text, \"(a|aa)+$\")) { }")]
    [InlineData("var s = System.Text.RegularExpressions.Regex.Replace(text, \"x\", \"y\");")]
    [InlineData("foreach (Match m in Regex.Matches(text, \"<!--.*?-->\", RegexOptions.Singleline)) { }")]
    [InlineData("[GeneratedRegex(@\"^(?:\\s|<!--.*?-->)*<html\", RegexOptions.IgnoreCase)]\nprivate static partial Regex HtmlStart();")]
    [InlineData("[GeneratedRegex(\"\"\"\n  a(b|c)*d\n  \"\"\", RegexOptions.IgnorePatternWhitespace)]")]
    public void The_source_scan_finds_unsafe_uses(string code)
        => Assert.Single(UnsafeRegexUses(code));

    [Theory]
    [InlineData("var r = new Regex(\"a+b\", RegexOptions.NonBacktracking);")]
    [InlineData("var r = new Regex(\"a+b\", RegexOptions.None, TimeSpan.FromMilliseconds(100));")]
    [InlineData("if (Regex.IsMatch(text, \"(a|aa)+$\", RegexOptions.None, matchTimeout)) { }")]
    [InlineData("[GeneratedRegex(@\"^a+$\", RegexOptions.IgnoreCase | RegexOptions.NonBacktracking)]")]
    [InlineData("[GeneratedRegex(@\"^(a|b)\\1$\", RegexOptions.None, matchTimeoutMilliseconds: 50)]")]
    [InlineData("[GeneratedRegex(@\"^(a|b)\\1$\", RegexOptions.None, 50)]")]
    [InlineData("var match = PrefixRegex().Match(text); var t = typeof(Regex); var name = nameof(Regex.Match);")]
    public void The_source_scan_accepts_safe_uses(string code)
        => Assert.Empty(UnsafeRegexUses(code));

    private static bool IsSafe(RegexOptions options, int timeoutMilliseconds)
        => options.HasFlag(RegexOptions.NonBacktracking) || timeoutMilliseconds > 0;

    private static bool IsSafe(Regex regex) => regex.Options.HasFlag(RegexOptions.NonBacktracking) || regex.MatchTimeout != Regex.InfiniteMatchTimeout;

    /// <summary>Constructors, static calls and <c>[GeneratedRegex]</c> attributes whose arguments name neither the linear engine nor a timeout.</summary>
    internal static IEnumerable<(int Line, string Code)> UnsafeRegexUses(string source)
    {
        foreach (Match use in RegexUse().Matches(source))
        {
            var open = use.Index + use.Length - 1;
            var arguments = ArgumentsFrom(source, open);
            var isAttribute = use.Value.StartsWith('[');
            var safe = arguments.Text.Contains("NonBacktracking", StringComparison.Ordinal)
                || arguments.Text.Contains("TimeSpan", StringComparison.Ordinal)
                || arguments.Text.Contains("Timeout", StringComparison.Ordinal)
                || (isAttribute && arguments.TopLevelCount >= 3);
            if (!safe)
            {
                var line = source.AsSpan(0, use.Index).Count('\n') + 1;
                yield return (line, source.Substring(use.Index, Math.Min(120, arguments.End - use.Index)).ReplaceLineEndings(" "));
            }
        }
    }

    /// <summary>The text of a call's arguments, from its '(' to the matching ')', skipping string and character literals.</summary>
    private static (string Text, int TopLevelCount, int End) ArgumentsFrom(string source, int open)
    {
        var depth = 0;
        var commas = 0;
        var at = open;
        while (at < source.Length)
        {
            var c = source[at];
            if (c == '"' || c == '\'')
            {
                at = SkipLiteral(source, at);
                continue;
            }

            if (c is '(' or '[' or '{')
            {
                depth++;
            }
            else if (c is ')' or ']' or '}')
            {
                depth--;
                if (depth == 0)
                {
                    break;
                }
            }
            else if (c == ',' && depth == 1)
            {
                commas++;
            }

            at++;
        }

        return (source[open..Math.Min(at + 1, source.Length)], commas + 1, at);
    }

    /// <summary>Skips a string literal (regular, verbatim or raw) or a character literal starting at <paramref name="at"/>.</summary>
    private static int SkipLiteral(string source, int at)
    {
        var verbatim = at > 0 && source[at - 1] == '@';
        if (source[at] == '"' && string.CompareOrdinal(source, at, "\"\"\"", 0, 3) == 0)
        {
            var quotes = 0;
            while (at + quotes < source.Length && source[at + quotes] == '"')
            {
                quotes++;
            }

            var close = source.IndexOf(new string('"', quotes), at + quotes, StringComparison.Ordinal);
            return close < 0 ? source.Length : close + quotes;
        }

        var quote = source[at];
        for (var i = at + 1; i < source.Length; i++)
        {
            if (source[i] == '\\' && !verbatim)
            {
                i++;
            }
            else if (source[i] == quote)
            {
                if (verbatim && i + 1 < source.Length && source[i + 1] == '"')
                {
                    i++;
                    continue;
                }

                return i + 1;
            }
        }

        return source.Length;
    }

    [GeneratedRegex(@"\[GeneratedRegex\(|\bnew\s+(?:System\.Text\.RegularExpressions\.)?Regex\s*\(|(?<![\w.])(?:System\.Text\.RegularExpressions\.)?Regex\.(?:IsMatch|Match|Matches|Replace|Split|Count|EnumerateMatches|EnumerateSplits)\s*\(", RegexOptions.CultureInvariant)]
    private static partial Regex RegexUse();

    private static IEnumerable<Assembly> FeedHubAssemblies()
        => Directory.EnumerateFiles(AppContext.BaseDirectory, "FeedHub*.dll")
            .Where(path => !Path.GetFileName(path).Contains(".Tests", StringComparison.Ordinal))
            .Select(path => Assembly.LoadFrom(path));

    /// <summary>The folder holding FeedHub.sln, found upwards from the test's own folder.</summary>
    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "FeedHub.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no FeedHub.sln above {AppContext.BaseDirectory}");
    }
}
