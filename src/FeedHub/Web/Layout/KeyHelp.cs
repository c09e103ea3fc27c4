namespace FeedHub.Web.Layout;

/// <summary>What the keyboard does on a page (keys.js), so the footer advertises keys only where they work.</summary>
public enum KeyHelp
{
    /// <summary>Nothing: no keys are advertised.</summary>
    None,

    /// <summary>A list of entries: j/k move through it and on to the next or previous page, o opens the entry.</summary>
    List,

    /// <summary>An article: j/k go to the next (older) or previous (newer) article.</summary>
    Article,
}
