using FeedHub.Core.Ingest;

namespace FeedHub.Web.Components;

/// <summary>The <c>dir</c> of text written in a language: known languages run their own way, unknown ones are left to the browser.</summary>
public static class TextDirection
{
    public static string Of(string? language)
        => language is null ? "auto" : ArticleLanguage.IsRightToLeft(language) ? "rtl" : "ltr";
}
