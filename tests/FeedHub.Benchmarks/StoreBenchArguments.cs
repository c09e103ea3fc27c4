using System.Globalization;

namespace FeedHub.Benchmarks;

/// <summary>
/// The arguments of the benchmarks that read a seeded store (<c>navigation</c>, <c>pages</c>):
/// <c>[--articles N] [--stores litedb,postgres] [--samples N] [--data DIR]</c>.
/// </summary>
internal sealed record StoreBenchArguments(int Articles, int Samples, string Data, string[] Stores)
{
    /// <summary>The arguments, or null after printing the usage when they are not understood.</summary>
    public static StoreBenchArguments? Parse(string[] args, string benchmark, int samples, int minSamples, int minArticles)
    {
        var parsed = new StoreBenchArguments(1_000_000, samples, Path.Combine(Path.GetTempPath(), "feedhub-navigation-bench"), ["litedb", "postgres"]);
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--articles" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var n) && n >= minArticles:
                    parsed = parsed with { Articles = n };
                    i++;
                    break;
                case "--samples" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var s) && s >= minSamples:
                    parsed = parsed with { Samples = s };
                    i++;
                    break;
                case "--data" when i + 1 < args.Length:
                    parsed = parsed with { Data = args[++i] };
                    break;
                case "--stores" when i + 1 < args.Length:
                    parsed = parsed with { Stores = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) };
                    break;
                default:
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"usage: FeedHub.Benchmarks {benchmark} [--articles N (>= {minArticles})] [--stores litedb,postgres] [--samples N (>= {minSamples})] [--data DIR]"));
                    return null;
            }
        }

        return parsed;
    }
}
