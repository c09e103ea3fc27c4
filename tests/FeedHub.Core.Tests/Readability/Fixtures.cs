namespace FeedHub.Core.Tests.Readability;

internal static class Fixtures
{
    public static string Path(string relative) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", "extraction", relative);

    public static string Read(string relative) => File.ReadAllText(Path(relative));
}
