using FeedHub.Core.Fetcher;

namespace FeedHub.WebSub;

/// <summary>
/// The HTTP client WebSub calls out with (callbacks as the hub, hubs as a subscriber): FeedHub's fetching handler, so
/// the private-network guard checks every connection, redirects are not followed, and time is bounded.
/// </summary>
public static class WebSubHttp
{
    public const string ClientName = "feedhub-websub";

    /// <summary>The most of an answer read: a challenge echo or an error message, never a document.</summary>
    public const int MaxAnswerBytes = 4096;

    /// <summary>A curator-readable reason for a failed call.</summary>
    public static string Describe(Exception failure, Uri url)
    {
        for (var inner = failure; inner is not null; inner = inner.InnerException)
        {
            if (inner is BlockedAddressException blocked)
            {
                return $"{url.IdnHost}: {blocked.Message}";
            }
        }

        return failure is TaskCanceledException or TimeoutException
            ? $"{url.IdnHost} did not answer in time"
            : $"cannot reach {url.IdnHost}: {failure.Message}";
    }

    /// <summary>The start of an answer's body as text, for an error message or a challenge echo.</summary>
    public static async Task<string> ReadAnswerAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new byte[MaxAnswerBytes];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
        {
            length += read;
        }

        return System.Text.Encoding.UTF8.GetString(buffer, 0, length);
    }

    /// <summary><paramref name="url"/> with more query parameters, after those it already has.</summary>
    public static Uri WithQuery(string url, IEnumerable<(string Name, string Value)> parameters)
    {
        var query = string.Join('&', parameters.Select(p => Uri.EscapeDataString(p.Name) + "=" + Uri.EscapeDataString(p.Value)));
        return new Uri(url + (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query);
    }

    /// <summary>A short, single-line excerpt of a text for a message.</summary>
    public static string Excerpt(string text)
    {
        var line = string.Join(' ', text.Split((char[])['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();
        return line.Length <= 200 ? line : line[..200] + "…";
    }
}
