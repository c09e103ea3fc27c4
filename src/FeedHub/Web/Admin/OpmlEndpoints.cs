using FeedHub.Api;
using FeedHub.Core.Curation;
using FeedHub.Core.Storage;
using FeedHub.Hosting;
using FeedHub.Web.Localization;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace FeedHub.Web.Admin;

/// <summary>
/// <c>/admin/opml</c>: upload an OPML list (or preview it) and see what was imported, refused and skipped; the recent
/// imports, each undoable; download all sources.
/// </summary>
public static class OpmlEndpoints
{
    private const int RecentImports = 20;

    public static RouteGroupBuilder MapOpmlEndpoints(this RouteGroupBuilder admin)
    {
        admin.MapGet("/opml", (SourceCatalog catalog, string? message, CancellationToken cancellationToken) => PageAsync(catalog, null, message, null, cancellationToken));
        admin.MapPost("/opml", ImportAsync);
        admin.MapPost("/opml/imports/{id:long}/undo", UndoAsync);
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
            return await PageAsync(catalog, null, null, strings["Choose an OPML file to import."], cancellationToken);
        }

        await using var upload = opml.OpenReadStream();
        var body = await OpmlApi.ReadCappedAsync(upload, OpmlApi.MaxOpmlBytes, cancellationToken);
        if (body is null)
        {
            return await PageAsync(catalog, null, null, strings["The file is larger than {0:N0} MB; split it into several files.", OpmlApi.MaxOpmlBytes / (1024 * 1024)], cancellationToken);
        }

        var (document, problem) = OpmlApi.Parse(body);
        if (problem is not null)
        {
            return await PageAsync(catalog, null, null, problem, cancellationToken);
        }

        var options = new OpmlImportOptions($"admin page: {opml.FileName}", DryRun: form["dryRun"] == "true");
        return await PageAsync(catalog, await catalog.ImportAsync(document!, options, null, cancellationToken), null, null, cancellationToken);
    }

    private static async Task<IResult> UndoAsync(long id, IFormCollection form, SourceCatalog catalog, IStringLocalizer<Strings> strings, CancellationToken cancellationToken)
    {
        var removed = await catalog.UndoImportAsync(id, cancellationToken);
        var done = removed is { } count
            ? strings.Count(count, "Import undone: {0:N0} source removed with its articles.", "Import undone: {0:N0} sources removed with their articles.")
            : strings["There is no import {0} any more (undone already?).", id];
        return TypedResults.LocalRedirect($"/admin/opml?message={Uri.EscapeDataString(done)}");
    }

    private static async Task<IResult> PageAsync(SourceCatalog catalog, OpmlImportReport? report, string? message, string? error, CancellationToken cancellationToken)
        => AdminPages.Page<OpmlPage>(new()
        {
            [nameof(OpmlPage.Report)] = report,
            [nameof(OpmlPage.Imports)] = await catalog.ListImportsAsync(RecentImports, cancellationToken),
            [nameof(OpmlPage.Message)] = message,
            [nameof(OpmlPage.Error)] = error,
        }, error is null && report?.Refused is null ? StatusCodes.Status200OK : StatusCodes.Status422UnprocessableEntity);
}
