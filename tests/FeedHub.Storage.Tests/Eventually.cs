namespace FeedHub.Storage.Tests;

internal static class Eventually
{
    /// <summary>
    /// Asks again until the answer is done, for what PostgreSQL does without telling (an index built, a lock waited
    /// for); after 30 s the last answer, for the caller's assertion to name.
    /// </summary>
    public static async Task<T> Async<T>(Func<Task<T>> probe, Func<T, bool> done)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var value = await probe();
            if (done(value) || DateTime.UtcNow > until)
            {
                return value;
            }

            await Task.Delay(50);
        }
    }
}
