namespace FeedHub.Core.Ingest;

public readonly record struct IngestResult(int Added, int Updated, int Unchanged);
