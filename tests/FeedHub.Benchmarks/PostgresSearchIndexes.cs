namespace FeedHub.Benchmarks;

/// <summary>
/// The search indexes of the PostgreSQL store (words, migration 0012; word pairs, over migration 0015's function and
/// otherwise built by the store after start-up), for benchmarks that seed a store in bulk: they drop them first and
/// build them once at the end, as a bulk load should (the trigger still builds each article's search document).
/// </summary>
internal static class PostgresSearchIndexes
{
    public const string Drop = "DROP INDEX IF EXISTS articles_search; DROP INDEX IF EXISTS articles_search_pairs";

    /// <summary>
    /// The indexes dropped and the search documents no longer built, for a store whose searches are not measured. Only
    /// rows written without a document are spared it: the store's own insert of new articles computes it in the statement.
    /// </summary>
    public const string DropWithDocuments = Drop
        + "; ALTER TABLE articles DISABLE TRIGGER articles_search_document_insert; ALTER TABLE articles DISABLE TRIGGER articles_search_document_update";

    /// <summary>One statement per index, each with the memory a build of a million articles wants.</summary>
    public static readonly string[] Build =
    [
        "SET maintenance_work_mem = '512MB'; CREATE INDEX articles_search ON articles USING gin (feedhub_search_marked(search_document, search_config))",
        "SET maintenance_work_mem = '512MB'; CREATE INDEX articles_search_pairs ON articles USING gin (feedhub_search_pairs(search_document, search_config))",
    ];
}
