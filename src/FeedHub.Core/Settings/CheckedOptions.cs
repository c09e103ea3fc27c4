using Microsoft.Extensions.Options;

namespace FeedHub.Core.Settings;

/// <summary>Settings that can say what makes them unusable, naming the key to fix.</summary>
public interface ICheckedOptions
{
    /// <summary>What makes these options unusable, naming the key to fix; null when they are fine.</summary>
    string? Problem();
}

/// <summary>Refuses options whose <see cref="ICheckedOptions.Problem"/> names one, in its words.</summary>
public sealed class CheckedOptionsValidator<T> : IValidateOptions<T>
    where T : class, ICheckedOptions
{
    public ValidateOptionsResult Validate(string? name, T options)
        => options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
