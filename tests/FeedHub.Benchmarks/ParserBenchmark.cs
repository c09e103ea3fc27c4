namespace FeedHub.Benchmarks;

public static class ParserBenchmark
{
    public static int Run(string[] args) => throw new NotSupportedException("parser benchmark not written yet");
}
