using Microsoft.Playwright;

namespace FeedHub.Tests.Browser;

/// <summary>
/// Waits for the page a link or a form led to, never for a load state: when the address has already changed by the
/// time a wait begins, Playwright's <c>WaitForURLAsync</c> waits for the next "load" event instead, which may never
/// come, and it hung for 30 s in CI runs under load.
/// </summary>
internal static class PageArrival
{
    /// <summary>As long as Playwright waits for an element (its assertions' own default is 5 s, short under load).</summary>
    private const float Timeout = 30_000;

    /// <summary>
    /// Polls the address until it is <paramref name="address"/>, then waits for the reader page's footer: once the
    /// address has changed the old document is gone, so the footer is the new page's, parsed to its end.
    /// </summary>
    public static async Task ArriveAtAsync(this IPage page, string address)
    {
        await Assertions.Expect(page).ToHaveURLAsync(address, new() { Timeout = Timeout });
        await page.Locator("footer.site").WaitForAsync();
    }
}
