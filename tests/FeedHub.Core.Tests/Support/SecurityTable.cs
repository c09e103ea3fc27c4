namespace FeedHub.Tests.Support;

/// <summary>
/// The rows of the README's security table: what each security test tried and what FeedHub did with it. When
/// <c>FEEDHUB_SECURITY_TABLE</c> names a file (tests/security/report.sh sets it), each row is appended to it as one
/// tab-separated line, and the script prints them as the markdown table; otherwise nothing is written.
/// </summary>
public static class SecurityTable
{
    private static readonly Lock FileLock = new();

    /// <param name="kind">The class of attack, e.g. "hostile server" or "fuzzing".</param>
    /// <param name="what">What was tried.</param>
    /// <param name="tried">How many inputs, vectors or kills.</param>
    /// <param name="held">How many of them were refused, neutralised or survived (the others are defects).</param>
    /// <param name="outcome">What FeedHub did or said, as a curator reads it.</param>
    public static void Row(string kind, string what, int tried, int held, string outcome)
    {
        if (Environment.GetEnvironmentVariable("FEEDHUB_SECURITY_TABLE") is not { Length: > 0 } path)
        {
            return;
        }

        var line = string.Join('\t', kind, what, tried.ToString(System.Globalization.CultureInfo.InvariantCulture),
            held.ToString(System.Globalization.CultureInfo.InvariantCulture), outcome.ReplaceLineEndings(" ").Replace('\t', ' ').Replace("|", "\\|", StringComparison.Ordinal));
        lock (FileLock)
        {
            File.AppendAllText(path, line + Environment.NewLine);
        }
    }
}
