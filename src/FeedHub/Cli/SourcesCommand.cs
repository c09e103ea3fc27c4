using System.Globalization;
using FeedHub.Core.Curation;
using FeedHub.Core.Model;
using FeedHub.Core.Storage;

namespace FeedHub.Cli;

/// <summary><c>feedhub sources add URL [--category NAME]… | list | remove ID [--keep-articles]</c>.</summary>
public static class SourcesCommand
{
    public static async Task<int> RunAsync(string[] args, IServiceProvider services, CancellationToken cancellationToken)
    {
        switch (args.FirstOrDefault())
        {
            case "add" when args.Length >= 2:
                return await AddAsync(args[1], args.AsSpan(2).ToArray(), services, cancellationToken);
            case "list" when args.Length == 1:
                return await ListAsync(services.GetRequiredService<IFeedStore>(), cancellationToken);
            case "remove" when args.Length >= 2 && long.TryParse(args[1], CultureInfo.InvariantCulture, out var id):
                return await RemoveAsync(id, args.AsSpan(2).Contains("--keep-articles"), services.GetRequiredService<SourceCatalog>(), cancellationToken);
            default:
                return FeedHubCommandLine.Usage(Console.Error, FeedHubCommandLine.BadUsage, "sources needs: add URL [--category NAME]… | list | remove ID [--keep-articles]");
        }
    }

    private static async Task<int> AddAsync(string url, string[] options, IServiceProvider services, CancellationToken cancellationToken)
    {
        var categories = new List<string>();
        for (var i = 0; i < options.Length; i++)
        {
            if (options[i] is not "--category" || i + 1 >= options.Length)
            {
                return FeedHubCommandLine.Usage(Console.Error, FeedHubCommandLine.BadUsage, $"unexpected '{options[i]}'; sources add URL [--category NAME]…");
            }

            categories.Add(options[++i]);
        }

        var result = await services.GetRequiredService<SourceCatalog>().AddAsync(url, new SourceSettings { Categories = categories }, cancellationToken);
        switch (result.Status)
        {
            case AddSourceStatus.Added:
                var source = result.Source!;
                Console.WriteLine($"added source {source.Id}: {source.Name} <{source.FeedUrl}> with {result.Discovery!.Feeds[0].ItemCount} items; it is polled when FeedHub runs");
                return FeedHubCommandLine.Success;
            case AddSourceStatus.AlreadySubscribed:
                Console.WriteLine(result.Error);
                return FeedHubCommandLine.Success;
            default:
                await Console.Error.WriteLineAsync($"feedhub: {result.Error}");
                return FeedHubCommandLine.Failure;
        }
    }

    private static async Task<int> ListAsync(IFeedStore store, CancellationToken cancellationToken)
    {
        var sources = await store.ListSourcesAsync(cancellationToken);
        if (sources.Count == 0)
        {
            Console.WriteLine("no sources yet; add one with: feedhub sources add URL");
            return FeedHubCommandLine.Success;
        }

        foreach (var source in sources)
        {
            var state = source.State == SourceState.Active && source.Fetch.LastError is not null ? "failing" : source.State.ToString().ToLowerInvariant();
            var categories = source.Categories.Count == 0 ? string.Empty : $" [{string.Join(", ", source.Categories)}]";
            Console.WriteLine($"{source.Id,5}  {state,-8}  {source.Name}{categories}");
            Console.WriteLine($"       {source.FeedUrl}");
            Console.WriteLine($"       last success: {When(source.Fetch.LastSuccessAt)}; next poll: {When(source.Fetch.NextPollAt)}; articles: {await store.CountArticlesAsync(source.Id, cancellationToken)}");
            if (source.Fetch.LastError is { } error)
            {
                Console.WriteLine($"       error ({source.Fetch.ConsecutiveFailures} in a row, {When(source.Fetch.LastErrorAt)}): {error}");
            }

            if (source.Fetch.MovedFrom is { } movedFrom)
            {
                Console.WriteLine($"       moved from {movedFrom} on {When(source.Fetch.MovedAt)} (permanent redirect)");
            }
        }

        return FeedHubCommandLine.Success;
    }

    private static async Task<int> RemoveAsync(long id, bool keepArticles, SourceCatalog catalog, CancellationToken cancellationToken)
    {
        if (!await catalog.RemoveAsync(id, keepArticles, cancellationToken))
        {
            await Console.Error.WriteLineAsync($"feedhub: there is no source {id}; see feedhub sources list");
            return FeedHubCommandLine.Failure;
        }

        Console.WriteLine(keepArticles ? $"removed source {id}, kept its articles" : $"removed source {id} and its articles");
        return FeedHubCommandLine.Success;
    }

    private static string When(DateTimeOffset? at) => at?.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "never";
}
