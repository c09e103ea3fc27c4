// Benchmarks print figures; they never assert. Usage: dotnet run -c Release --project tests/FeedHub.Benchmarks -- NAME [ARGS]
return args.FirstOrDefault() switch
{
    "parser" => FeedHub.Benchmarks.ParserBenchmark.Run(args[1..]),
    "extraction" => FeedHub.Benchmarks.ExtractionBenchmark.Run(args[1..]),
    "store" => FeedHub.Benchmarks.StoreBenchmark.Run(args[1..]),
    "serve" => await FeedHub.Benchmarks.ServeBenchmark.RunAsync(args[1..]),
    "migrate" => await FeedHub.Benchmarks.MigrationBenchmark.RunAsync(args[1..]),
    "search" => await FeedHub.Benchmarks.SearchBenchmark.RunAsync(args[1..]),
    "search-rebuild" => await FeedHub.Benchmarks.SearchRebuildBenchmark.RunAsync(args[1..]),
    "admin" => await FeedHub.Benchmarks.AdminBenchmark.RunAsync(args[1..]),
    "fuzz" => await FeedHub.Benchmarks.FuzzBenchmark.RunAsync(args[1..]),
    "navigation" => await FeedHub.Benchmarks.NavigationBenchmark.RunAsync(args[1..]),
    "pages" => await FeedHub.Benchmarks.PagesBenchmark.RunAsync(args[1..]),
    "blogroll" => await FeedHub.Benchmarks.BlogrollBenchmark.RunAsync(args[1..]),
    "sanitize" => FeedHub.Benchmarks.SanitizerBenchmark.Run(args[1..]),
    "article-indexes" => await FeedHub.Benchmarks.ArticleIndexesBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: FeedHub.Benchmarks parser|extraction|store|serve|migrate|search|search-rebuild|fuzz|navigation|pages|blogroll|admin|sanitize|article-indexes [ARGS]");
    return 2;
}
