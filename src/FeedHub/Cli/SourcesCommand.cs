using System.CommandLine;
using System.Globalization;
using FeedHub.Core.Curation;
using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using FeedHub.Core.Urls;
using FeedHub.Core.WebSub;

namespace FeedHub.Cli;

/// <summary><c>feedhub sources add URL [--category NAME]… | list | remove ID [--keep-articles] | move ID URL</c>.</summary>
public static class SourcesCommand
{
    public static Command Create()
    {
        var url = new Argument<string>("URL") { Description = "The feed's address, or a blog's or an article's address whose feed discovery finds" };
        var category = new Option<string[]>("--category") { Description = "A category for the source (repeat for several)", HelpName = "NAME" };
        var add = new Command("add", "Subscribe to a feed (its first poll is scheduled at once)") { url, category };
        add.SetAction((parsed, _) => FeedHubCommandLine.WithServicesAsync(WhenNoStore.MakeIt,
            (services, token) => AddAsync(parsed.GetValue(url)!, parsed.GetValue(category) ?? [], services, token)));

        var list = new Command("list", "The sources with their state, addresses and last polls");
        list.SetAction((parsed, _) => FeedHubCommandLine.WithServicesAsync(WhenNoStore.Refuse,
            (services, token) => ListAsync(services.GetRequiredService<IFeedStore>(), services.GetRequiredService<TimeProvider>(), token)));

        var id = new Argument<long>("ID") { Description = "The source's id (see feedhub sources list)" };
        var keepArticles = new Option<bool>("--keep-articles") { Description = "Keep the source's articles in the reading list" };
        var remove = new Command("remove", "Unsubscribe from a source") { id, keepArticles };
        remove.SetAction((parsed, _) => FeedHubCommandLine.WithServicesAsync(WhenNoStore.Refuse,
            (services, token) => RemoveAsync(parsed.GetValue(id), parsed.GetValue(keepArticles), services.GetRequiredService<SourceCatalog>(), token)));

        var newUrl = new Argument<string>("URL") { Description = "The new address: the feed's, or the blog's (discovery finds its feed)" };
        var move = new Command("move", "Change a source's feed address, keeping its id, history and articles") { id, newUrl };
        move.SetAction((parsed, _) => FeedHubCommandLine.WithServicesAsync(WhenNoStore.Refuse,
            (services, token) => MoveAsync(parsed.GetValue(id), parsed.GetValue(newUrl)!, services.GetRequiredService<SourceCatalog>(), token)));

        return new Command("sources", "Curator work on sources, against the configured store") { add, list, remove, move };
    }

    private static async Task<int> AddAsync(string url, string[] categories, IServiceProvider services, CancellationToken cancellationToken)
    {
        var result = await services.GetRequiredService<SourceCatalog>().AddAsync(url, new SourceSettings { Categories = categories }, cancellationToken);
        switch (result.Status)
        {
            case AddSourceStatus.Added:
                var source = result.Source!;
                Console.WriteLine($"added source {source.Id}: {source.Name} <{FeedAddress.Shown(source.FeedUrl)}> with {result.Discovery!.Feeds[0].ItemCount} items; it is polled when FeedHub runs");
                return FeedHubCommandLine.Success;
            case AddSourceStatus.AlreadySubscribed:
                Console.WriteLine(result.Error);
                return FeedHubCommandLine.Success;
            default:
                return await FeedHubCommandLine.FailAsync(result.Error!);
        }
    }

    private static async Task<int> MoveAsync(long id, string url, SourceCatalog catalog, CancellationToken cancellationToken)
    {
        var result = await catalog.MoveAsync(id, url, SourceSettings.None, cancellationToken);
        if (result.Status != MoveSourceStatus.Moved)
        {
            return await FeedHubCommandLine.FailAsync(result.Status == MoveSourceStatus.NotFound ? $"{result.Error}; see feedhub sources list" : result.Error!);
        }

        var source = result.Source!;
        var address = FeedAddress.Shown(source.FeedUrl);
        Console.WriteLine(source.Fetch.MovedFrom is { } from && source.Fetch.MovedAt is not null && address != from
            ? $"moved source {source.Id} ({source.Name}) from {from} to {address}; its articles stay, and it is polled at its new address when FeedHub runs"
            : $"source {source.Id} ({source.Name}) is at {address}{(FeedAddress.CredentialsOf(source.FeedUrl) is null ? " already" : ", with the user name and password given")}");
        return FeedHubCommandLine.Success;
    }

    private static async Task<int> ListAsync(IFeedStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var sources = await store.ListSourcesAsync(cancellationToken);
        var now = time.GetUtcNow();
        var pushes = (await store.ListSourcePushesAsync(cancellationToken)).ToDictionary(push => push.SourceId);
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
            Console.WriteLine($"       {FeedAddress.Shown(source.FeedUrl)}");
            Console.WriteLine($"       last success: {When(source.Fetch.LastSuccessAt)}; next poll: {When(source.Fetch.NextPollAt)}; articles: {await store.CountArticlesAsync(source.Id, cancellationToken)}");
            if (source.Fetch.LastError is { } error)
            {
                Console.WriteLine($"       error ({source.Fetch.ConsecutiveFailures} in a row, {When(source.Fetch.LastErrorAt)}): {error}");
            }

            if (PushHealth.Of(pushes.GetValueOrDefault(source.Id), now) is { } push)
            {
                Console.WriteLine($"       {push.Summary}; {push.PushesReceived} received, last {When(push.LastPushAt)}");
            }

            if (source.Fetch.ParseWarning is { } warning)
            {
                Console.WriteLine($"       parse warning: {warning}");
            }

            if (source.Fetch.MovedFrom is { } movedFrom)
            {
                Console.WriteLine($"       moved from {FeedAddress.Shown(movedFrom)} on {When(source.Fetch.MovedAt)}");
            }
        }

        return FeedHubCommandLine.Success;
    }

    private static async Task<int> RemoveAsync(long id, bool keepArticles, SourceCatalog catalog, CancellationToken cancellationToken)
    {
        if (!await catalog.RemoveAsync(id, keepArticles, cancellationToken))
        {
            return await FeedHubCommandLine.FailAsync($"there is no source {id}; see feedhub sources list");
        }

        Console.WriteLine(keepArticles ? $"removed source {id}, kept its articles" : $"removed source {id} and its articles");
        return FeedHubCommandLine.Success;
    }

    private static string When(DateTimeOffset? at) => at?.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "never";
}
