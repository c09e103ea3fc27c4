namespace FeedHub.Benchmarks;

public static class ExtractionBenchmark
{
    public static int Run(string[] args) => throw new NotSupportedException("extraction benchmark not written yet");
}
