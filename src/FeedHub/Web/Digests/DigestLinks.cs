using System.Globalization;

namespace FeedHub.Web.Digests;

/// <summary>The addresses of the digest's pages: a day at <c>/digest/yyyy-MM-dd</c>, a month at <c>/digest/yyyy-MM</c>.</summary>
public static class DigestLinks
{
    public static string Day(DateOnly date) => "/digest/" + date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Month(DateOnly date) => "/digest/" + date.ToString("yyyy-MM", CultureInfo.InvariantCulture);
}
