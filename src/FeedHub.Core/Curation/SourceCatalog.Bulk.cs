using System.Globalization;
using FeedHub.Core.Model;

namespace FeedHub.Core.Curation;

public sealed partial class SourceCatalog
{
    /// <summary>At most this many sources in one change (a page of the admin list at its largest).</summary>
    public const int MaxBulk = 200;

    /// <summary>
    /// Applies one change to each selected source, the way the same change to one source would be made (pausing stops
    /// its polls, resuming polls it now, removing unschedules it). A source that refuses the change is named in the
    /// problems and the others are changed.
    /// </summary>
    public async Task<BulkResult> ApplyAsync(IReadOnlyCollection<long> ids, BulkChange change, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return new BulkResult(0, ["select at least one source"]);
        }

        if (ids.Count > MaxBulk)
        {
            return new BulkResult(0, [string.Create(CultureInfo.InvariantCulture, $"select at most {MaxBulk} sources at once")]);
        }

        var category = change.Category?.Trim();
        if (change.Action is BulkAction.AddCategory or BulkAction.RemoveCategory && string.IsNullOrEmpty(category))
        {
            return new BulkResult(0, ["name the category"]);
        }

        var (changed, problems) = (0, new List<string>());
        foreach (var id in ids.Distinct())
        {
            var error = change.Action switch
            {
                BulkAction.Pause => (await UpdateAsync(id, new SourceSettings { State = SourceState.Paused }, cancellationToken).ConfigureAwait(false)).Error,
                BulkAction.Resume => (await UpdateAsync(id, new SourceSettings { State = SourceState.Active }, cancellationToken).ConfigureAwait(false)).Error,
                BulkAction.AddCategory or BulkAction.RemoveCategory => await RecategoriseAsync(id, category!, change.Action == BulkAction.AddCategory, cancellationToken).ConfigureAwait(false),
                _ => await RemoveAsync(id, change.KeepArticles, cancellationToken).ConfigureAwait(false) ? null : $"there is no source {id}",
            };
            if (error is null)
            {
                changed++;
            }
            else
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"source {id}: {error}"));
            }
        }

        return new BulkResult(changed, problems);
    }

    /// <summary>Adds the category to, or takes it from, the categories the source has when the change is applied.</summary>
    private async Task<string?> RecategoriseAsync(long id, string category, bool add, CancellationToken cancellationToken)
        => (await ChangeAsync(id, stored => new SourceSettings
        {
            Categories = add
                ? [.. stored.Categories, category]
                : stored.Categories.Where(c => !c.Equals(category, StringComparison.OrdinalIgnoreCase)).ToList(),
        }, cancellationToken).ConfigureAwait(false)).Error;
}

public enum BulkAction
{
    Pause,
    Resume,
    AddCategory,
    RemoveCategory,
    Remove,
}

/// <summary>A change for many sources at once: the category to add or remove, whether removed sources keep their articles.</summary>
public sealed record BulkChange(BulkAction Action, string? Category = null, bool KeepArticles = true);

/// <summary>How many sources were changed, and why the others were not.</summary>
public sealed record BulkResult(int Changed, IReadOnlyList<string> Problems);
