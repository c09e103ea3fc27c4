namespace FeedHub.Storage.Tests;

/// <summary>
/// The test project's entry point, in place of the empty one the test SDK generates (the test runner loads the project
/// as a library and never calls it): <c>dotnet FeedHub.Storage.Tests.dll scenario NAME DIRECTORY</c> runs one of the
/// <see cref="ClosedEngineScenarios"/> in a process of its own, for what ends a process rather than fails a test.
/// </summary>
internal static class Program
{
    public static int Main(string[] args) => args is ["scenario", var name, var directory] ? ClosedEngineScenarios.Run(name, directory) : 2;
}
