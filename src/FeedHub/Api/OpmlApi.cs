using FeedHub.Core.Curation;
using FeedHub.Core.Opml;
using FeedHub.Core.Storage;
using FeedHub.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FeedHub.Api;

/// <summary><c>/api/opml</c>: import an OPML subscription list (the request body) and export all sources as OPML.</summary>
public static class OpmlApi
{
    /// <summary>Far more than any real subscription list (2,000 feeds take about 400 KB).</summary>
    public const int MaxOpmlBytes = 4 * 1024 * 1024;

    public const string OpmlMediaType = "text/x-opml";

    public static RouteGroupBuilder MapOpmlApi(this RouteGroupBuilder api)
    {
        var opml = api.MapGroup("/opml").WithTags("OPML");
        opml.MapPost("/", ImportAsync)
            .WithSummary("Import an OPML list (the request body, any XML content type) as one batch that can be undone; invalid outlines and duplicates are reported by line; ?dryRun=true stores nothing");
        opml.MapGet("/", ExportAsync).WithSummary("All sources as OPML 2.0, categories as outlines, FeedHub's settings in its own namespace");
        opml.MapGet("/imports", ListImportsAsync).WithSummary("The most recent imports, newest first, with how many of their sources remain");
        opml.MapDelete("/imports/{id:long}", UndoImportAsync).WithSummary("Undo an import: remove the sources it added that are still there, with their articles");
        return api;
    }

    private static async Task<Results<Ok<OpmlImportDto>, ProblemHttpResult>> ImportAsync(HttpRequest request, SourceCatalog catalog, bool? dryRun, CancellationToken cancellationToken)
    {
        var body = await ReadCappedAsync(request.Body, MaxOpmlBytes, cancellationToken);
        if (body is null)
        {
            return TypedResults.Problem(title: "OPML too large",
                detail: $"The OPML is larger than {MaxOpmlBytes / (1024 * 1024)} MB; split it into several files.",
                statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        var (document, problem) = Parse(body);
        if (problem is not null)
        {
            return ApiProblems.Unprocessable("Not an OPML list", problem);
        }

        var options = new OpmlImportOptions("API", DryRun: dryRun ?? false);
        return TypedResults.Ok(OpmlImportDto.Of(await catalog.ImportAsync(document!, options, null, cancellationToken)));
    }

    private static async Task<Ok<List<ImportBatchDto>>> ListImportsAsync(SourceCatalog catalog, int? limit, CancellationToken cancellationToken)
        => TypedResults.Ok((await catalog.ListImportsAsync(Math.Clamp(limit ?? 20, 1, 200), cancellationToken)).Select(ImportBatchDto.Of).ToList());

    private static async Task<Results<Ok<ImportUndoneDto>, ProblemHttpResult>> UndoImportAsync(long id, SourceCatalog catalog, CancellationToken cancellationToken)
        => await catalog.UndoImportAsync(id, cancellationToken) is { } removed
            ? TypedResults.Ok(new ImportUndoneDto(id, removed))
            : TypedResults.Problem(title: "No such import", detail: $"There is no import {id} (undone already?); GET /api/opml/imports lists them.", statusCode: StatusCodes.Status404NotFound);

    private static async Task<FileContentHttpResult> ExportAsync(IFeedStore store, IOptions<SiteOptions> site, TimeProvider timeProvider, CancellationToken cancellationToken)
        => TypedResults.File(await ExportBytesAsync(store, site.Value.Title, timeProvider.GetUtcNow(), cancellationToken), OpmlMediaType + "; charset=utf-8", "feedhub-sources.opml");

    internal static async Task<byte[]> ExportBytesAsync(IFeedStore store, string siteTitle, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var sources = await store.ListSourceOutlinesAsync(cancellationToken);
        using var output = new MemoryStream();
        OpmlWriter.Write(output, $"{siteTitle} sources", sources, now);
        return output.ToArray();
    }

    /// <summary>Reads an uploaded OPML; the problem is set when it holds no feed at all and cannot be read.</summary>
    internal static (OpmlDocument? Document, string? Problem) Parse(byte[] body)
    {
        var document = OpmlReader.Read(new MemoryStream(body, writable: false));
        if (document.Feeds.Count == 0 && document.Problems.Count > 0)
        {
            return (null, $"No feed could be read: line {document.Problems[0].Line}: {document.Problems[0].Message}");
        }

        return (document, null);
    }

    /// <summary>Reads at most <paramref name="limit"/> bytes; null when the stream holds more.</summary>
    internal static async Task<byte[]?> ReadCappedAsync(Stream stream, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
