namespace FeedHub.Core.Tests.Fixtures;

/// <summary>The feed files under Fixtures/feeds, copied to the test output directory.</summary>
internal static class FeedFixtures
{
    public static byte[] Bytes(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "feeds", name));
}
