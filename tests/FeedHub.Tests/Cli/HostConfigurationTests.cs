using FeedHub.Cli;
using FeedHub.Hosting;
using FeedHub.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FeedHub.Tests.Cli;

/// <summary>
/// The store lives under the working directory by default (data/): a settings file watched for changes there means a
/// file-system watcher on the whole directory, woken by every write of the store.
/// </summary>
public class HostConfigurationTests
{
    [Fact]
    public void A_command_reads_its_settings_files_once_and_watches_none()
    {
        using var host = CliHost.Build([]);

        AssertNoSettingsFileIsWatched(host.Services.GetRequiredService<IConfiguration>());
    }

    [Fact]
    public async Task The_server_reads_its_settings_files_once_and_watches_none()
    {
        await using var app = await TestApp.StartAsync(worker: false);

        AssertNoSettingsFileIsWatched(app.Get<IConfiguration>());
    }

    private static void AssertNoSettingsFileIsWatched(IConfiguration configuration)
    {
        var files = ((IConfigurationRoot)configuration).Providers.OfType<FileConfigurationProvider>().Select(p => p.Source).ToList();
        // The generic host's own default, which watched: appsettings.json of the working directory.
        Assert.Contains(files, source => source.Path == "appsettings.json");
        Assert.All(files, source => Assert.False(source.ReloadOnChange, $"{source.Path} is watched for changes"));
    }
}
