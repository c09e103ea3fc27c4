namespace FeedHub.Web.Components;

/// <summary>A link of a <see cref="Pager"/>: where it goes, what it says, and its relation (<c>prev</c>, <c>next</c>) if any.</summary>
public sealed record PageLink(string Href, string Label, string? Rel = null);
