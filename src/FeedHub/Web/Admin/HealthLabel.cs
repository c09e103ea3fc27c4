using FeedHub.Core.Curation;

namespace FeedHub.Web.Admin;

/// <summary>The word for a source's health in classes and (translated) on its badge.</summary>
public static class HealthLabel
{
    public static string Of(HealthStatus status) => status.ToString().ToLowerInvariant();
}
