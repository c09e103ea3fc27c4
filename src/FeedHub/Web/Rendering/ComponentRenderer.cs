using System.Text;
using FeedHub.Core.Storage;
using FeedHub.Web.Localization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace FeedHub.Web.Rendering;

/// <summary>
/// Renders Razor components to HTML text for responses that are not a component result of their own: reader pages,
/// rendered once per store version and language and then served from <see cref="RenderedResponses"/>, and HTML
/// fragments such as the digest feed's entries.
/// </summary>
public sealed class ComponentRenderer(RenderedResponses responses, ILoggerFactory loggerFactory)
{
    public const string HtmlMediaType = "text/html; charset=utf-8";

    /// <summary>A page: HTML in the visitor's language (from <c>Accept-Language</c> or the language cookie).</summary>
    private static readonly ResponseForm Page = new(HtmlMediaType, "Accept-Encoding, Accept-Language, Cookie");

    /// <summary>
    /// Serves page <typeparamref name="TPage"/> from the rendered-response cache, rendering it when the store changed.
    /// A page rendered this way is shared by every visitor who asks for the same address in the same language: it
    /// may depend on the request's address and language, never on who asks (cookies, sign-in).
    /// </summary>
    /// <param name="context">The request.</param>
    /// <param name="parameters">Loads what the page shows (its parameters by name) when it has to be rendered again.</param>
    /// <param name="variesWith">Anything besides the address, the language and the store that the page depends on.</param>
    /// <param name="dependsOn">The only parts of the store's content the page shows (see <see cref="RenderedResponses"/>); null for any.</param>
    /// <param name="shortcut">Whether the page may be answered again before routing while it is current (see <see cref="RenderedResponses.TryAnswerAsync"/>).</param>
    public Task<IResult> ServeAsync<TPage>(
        HttpContext context, Func<CancellationToken, Task<Dictionary<string, object?>>> parameters, string? variesWith = null, IReadOnlyCollection<ContentScope>? dependsOn = null,
        bool shortcut = false)
        where TPage : IComponent
        => responses.ServeAsync(
            context,
            async cancellationToken => new RenderedBody(Encoding.UTF8.GetBytes(await RenderAsync<TPage>(context, await parameters(cancellationToken)))),
            Page,
            variesWith: $"{InterfaceLanguage.Current}|{variesWith}",
            dependsOn,
            shortcut);

    /// <summary>Renders <typeparamref name="TComponent"/> with <paramref name="parameters"/> to HTML text, in the current culture.</summary>
    public async Task<string> RenderAsync<TComponent>(HttpContext context, Dictionary<string, object?> parameters)
        where TComponent : IComponent
    {
        await using var renderer = new HtmlRenderer(context.RequestServices, loggerFactory);
        return await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var host = await renderer.RenderComponentAsync<PageHost>(ParameterView.FromDictionary(new Dictionary<string, object?>
            {
                [nameof(PageHost.HttpContext)] = context,
                [nameof(PageHost.Page)] = typeof(TComponent),
                [nameof(PageHost.Parameters)] = parameters,
            }));
            return host.ToHtmlString();
        });
    }
}
