using FeedHub.Core.Settings;
using Microsoft.Extensions.Options;

namespace FeedHub.Hosting;

/// <summary>
/// Options read from configuration while the services are being chosen (which store, which roles, how many threads),
/// before validation at start could run: refused at once, as that validation would, naming the key to fix.
/// </summary>
public static class BoundOptions
{
    public static T Read<T>(IConfiguration configuration, string section)
        where T : class, ICheckedOptions, new()
    {
        var options = configuration.GetSection(section).Get<T>() ?? new T();
        return options.Problem() is { } found ? throw new OptionsValidationException(section, typeof(T), [found]) : options;
    }
}
