using FeedHub.Api;
using FeedHub.Core.Curation;
using FeedHub.Core.Storage;
using FeedHub.Hosting;
using FeedHub.Web.Localization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace FeedHub.Web.Admin;

/// <summary><c>/admin/opml</c>: upload an OPML list and see what was imported, skipped and refused; download all sources.</summary>
public static class OpmlEndpoints
{
    public static RouteGroupBuilder MapOpmlEndpoints(this RouteGroupBuilder admin)
    {
        admin.MapGet("/opml", () => Page(null, null));
        admin.MapPost("/opml", ImportAsync);
        admin.MapGet("/opml/export", async (IFeedStore store, IOptions<SiteOptions> site, TimeProvider timeProvider, CancellationToken cancellationToken)
            => TypedResults.File(await OpmlApi.ExportBytesAsync(store, site.Value.Title, timeProvider.GetUtcNow(), cancellationToken),
                OpmlApi.OpmlMediaType + "; charset=utf-8", "feedhub-sources.opml"));
        return admin;
    }

    private static async Task<IResult> ImportAsync(IFormCollection form, SourceCatalog catalog, IStringLocalizer<Strings> strings, CancellationToken cancellationToken)
    {
        var opml = form.Files["opml"];
        if (opml is null || opml.Length == 0)
        {
            return Page(null, strings["Choose an OPML file to import."]);
        }

        await using var upload = opml.OpenReadStream();
        var body = await OpmlApi.ReadCappedAsync(upload, OpmlApi.MaxOpmlBytes, cancellationToken);
        if (body is null)
        {
            return Page(null, strings["The file is larger than {0:N0} MB; split it into several files.", OpmlApi.MaxOpmlBytes / (1024 * 1024)]);
        }

        var (document, problem) = OpmlApi.Parse(body);
        return problem is not null
            ? Page(null, problem)
            : Page(await catalog.ImportAsync(document!, new OpmlImportOptions($"admin page: {opml.FileName}"), null, cancellationToken), null);
    }

    private static RazorComponentResult<OpmlPage> Page(OpmlImportReport? report, string? error)
        => AdminPages.Page<OpmlPage>(new()
        {
            [nameof(OpmlPage.Report)] = report,
            [nameof(OpmlPage.Error)] = error,
        }, error is null ? StatusCodes.Status200OK : StatusCodes.Status422UnprocessableEntity);
}
