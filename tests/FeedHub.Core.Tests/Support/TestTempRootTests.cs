namespace FeedHub.Tests.Support;

public class TestTempRootTests
{
    [Fact]
    public void Temporary_folders_of_a_test_run_are_made_in_its_own_root_which_a_started_process_inherits()
    {
        var folder = Directory.CreateTempSubdirectory("feedhub-probe-").FullName;

        Assert.Equal(Path.Combine(Path.GetTempPath(), Path.GetFileName(folder)), folder);
        Assert.Equal($"feedhub-testrun-{Environment.ProcessId}", Path.GetFileName(Path.GetDirectoryName(folder)));
        Assert.Equal(Path.GetDirectoryName(folder), Environment.GetEnvironmentVariable("TMPDIR"));
    }
}
