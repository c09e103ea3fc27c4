using FeedHub.Api;
using FeedHub.Core.Curation;
using FeedHub.Core.Opml;
using FeedHub.Core.Storage;
using FeedHub.Hosting;
using Microsoft.Extensions.Options;

namespace FeedHub.Web.Admin;

/// <summary><c>/admin/opml</c>: upload an OPML list and see what was imported, skipped and refused; download all sources.</summary>
public static class OpmlPage
{
    public static RouteGroupBuilder MapOpmlPage(this RouteGroupBuilder admin)
    {
        admin.MapGet("/opml", (HttpContext context) => Page(context, null, null));
        admin.MapPost("/opml", ImportAsync);
        admin.MapGet("/opml/export", async (IFeedStore store, IOptions<SiteOptions> site, TimeProvider timeProvider, CancellationToken cancellationToken)
            => TypedResults.File(await OpmlApi.ExportBytesAsync(store, site.Value.Title, timeProvider.GetUtcNow(), cancellationToken),
                OpmlApi.OpmlMediaType + "; charset=utf-8", "feedhub-sources.opml"));
        return admin;
    }

    private static async Task<IResult> ImportAsync(HttpContext context, IFormCollection form, SourceCatalog catalog, CancellationToken cancellationToken)
    {
        var opml = form.Files["opml"];
        if (opml is null || opml.Length == 0)
        {
            return Page(context, null, "Choose an OPML file to import.");
        }

        await using var upload = opml.OpenReadStream();
        var body = await OpmlApi.ReadCappedAsync(upload, OpmlApi.MaxOpmlBytes, cancellationToken);
        if (body is null)
        {
            return Page(context, null, $"The file is larger than {OpmlApi.MaxOpmlBytes / (1024 * 1024)} MB; split it into several files.");
        }

        var (document, problem) = OpmlApi.Parse(body);
        return problem is not null
            ? Page(context, null, problem)
            : Page(context, await catalog.ImportAsync(document!, new OpmlImportOptions($"admin page: {opml.FileName}"), null, cancellationToken), null);
    }

    private static IResult Page(HttpContext context, OpmlImportReport? report, string? error)
    {
        var outcome = report is null ? Markup.Empty : Markup.Of($"""
            <section class="report" aria-label="Import report">
            <p class="notice" role="status">Imported {report.Added} new sources; they are polled within a minute.</p>
            {Problems($"{report.Duplicates.Count} duplicates skipped", report.Duplicates)}
            {Problems($"{report.Invalid.Count} invalid entries skipped", report.Invalid)}
            </section>
            """);
        return AdminLayout.Page(context, "Import / export", Markup.Of($"""
            <h1>Import and export</h1>
            {AdminLayout.Notice(error, "error")}{outcome}
            <h2>Import an OPML list</h2>
            <form method="post" action="/admin/opml" enctype="multipart/form-data" class="stacked">
            {AdminLayout.Antiforgery(context)}
            <label>OPML file <input type="file" name="opml" accept=".opml,.xml,text/x-opml,text/xml,application/xml" required></label>
            <button type="submit">Import</button>
            </form>
            <p class="meta">Outline nesting becomes categories; feeds already subscribed are skipped and listed by line.</p>
            <h2>Export</h2>
            <p><a href="/admin/opml/export" download>Download all sources as OPML 2.0</a></p>
            """), error is null ? StatusCodes.Status200OK : StatusCodes.Status422UnprocessableEntity);
    }

    private static Markup Problems(string heading, IReadOnlyList<OpmlProblem> problems)
        => problems.Count == 0 ? Markup.Empty : Markup.Of($"""
            <details open><summary>{heading}</summary><ul>{problems.Select(p => Markup.Of($"<li>line {p.Line}: {p.Message}</li>"))}</ul></details>
            """);
}
