namespace FeedHub.Web.Localization;

/// <summary>
/// The interface's texts: <c>IStringLocalizer&lt;Strings&gt;</c> looks each English text up in <c>Strings.fr.resx</c>
/// (and any other language added beside it), and shows the English text itself when a language has no translation.
/// </summary>
public sealed class Strings
{
    private Strings()
    {
    }
}
