using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;

namespace FeedHub.Web.Rendering;

/// <summary>
/// The root of a page rendered outside an endpoint's own response (cached reader pages): gives every component the
/// request as a cascading value, as Blazor's server rendering does, so layouts and pages read it the same way in both.
/// </summary>
public sealed class PageHost : ComponentBase
{
    [Parameter, EditorRequired]
    public HttpContext HttpContext { get; set; } = null!;

    /// <summary>The page component to render.</summary>
    [Parameter, EditorRequired]
    public Type Page { get; set; } = null!;

    /// <summary>The page's parameters by name.</summary>
    [Parameter]
    public IReadOnlyDictionary<string, object?> Parameters { get; set; } = new Dictionary<string, object?>();

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        builder.OpenComponent<CascadingValue<HttpContext>>(0);
        builder.AddComponentParameter(1, nameof(CascadingValue<HttpContext>.Value), HttpContext);
        builder.AddComponentParameter(2, nameof(CascadingValue<HttpContext>.IsFixed), true);
        builder.AddComponentParameter(3, nameof(CascadingValue<HttpContext>.ChildContent), (RenderFragment)(page =>
        {
            page.OpenComponent(0, Page);
            foreach (var (name, value) in Parameters)
            {
                page.AddComponentParameter(1, name, value);
            }

            page.CloseComponent();
        }));
        builder.CloseComponent();
    }
}
