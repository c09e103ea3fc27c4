using FeedHub.Web.Rendering;

namespace FeedHub.Tests.Web;

/// <summary>The one cache of what is kept rendered: within its count and bytes, each value counted for what it was kept with.</summary>
public sealed class BoundedCacheTests
{
    [Fact]
    public void Past_its_bytes_the_cache_starts_over_and_a_value_over_them_alone_is_not_kept()
    {
        var cache = new BoundedCache<string, byte[]>(maxEntries: 100, maxBytes: 1000, bytes => bytes.LongLength);
        cache.Set("a", new byte[400]);
        cache.Set("b", new byte[400]);
        Assert.Equal(800, cache.Bytes);

        cache.Set("c", new byte[400]);
        Assert.Equal(400, cache.Bytes);
        Assert.False(cache.TryGetValue("a", out _));
        Assert.True(cache.TryGetValue("c", out _));

        cache.Set("c", new byte[100]);
        Assert.Equal(100, cache.Bytes);

        cache.Set("huge", new byte[1001]);
        Assert.False(cache.TryGetValue("huge", out _));
        Assert.Equal(100, cache.Bytes);
    }

    [Fact]
    public void Past_its_count_the_cache_starts_over()
    {
        var cache = new BoundedCache<int, byte[]>(maxEntries: 2, maxBytes: 1000, bytes => bytes.LongLength);
        cache.Set(1, new byte[1]);
        cache.Set(2, new byte[1]);
        cache.Set(3, new byte[1]);

        Assert.False(cache.TryGetValue(1, out _));
        Assert.True(cache.TryGetValue(3, out _));
        Assert.Equal(1, cache.Bytes);
    }

    [Fact]
    public void Growth_counts_only_for_the_value_kept_and_is_taken_back_with_it()
    {
        var cache = new BoundedCache<string, byte[]>(maxEntries: 100, maxBytes: 1000, bytes => bytes.LongLength);
        var kept = new byte[300];
        cache.Set("a", kept);
        cache.Set("b", new byte[300]);

        cache.Grow("a", new byte[300], 200);
        Assert.Equal(600, cache.Bytes);

        cache.Grow("a", kept, 200);
        Assert.Equal(800, cache.Bytes);

        cache.Set("a", new byte[10]);
        Assert.Equal(310, cache.Bytes);

        // Past the bytes, the cache starts over with the grown value alone.
        cache.Grow("b", cache.TryGetValue("b", out var b) ? b : throw new InvalidOperationException(), 700);
        Assert.Equal(1000, cache.Bytes);
        Assert.False(cache.TryGetValue("a", out _));
    }

    [Fact]
    public void Values_forgotten_by_key_give_their_bytes_back()
    {
        var cache = new BoundedCache<int, byte[]>(maxEntries: 100, maxBytes: 1000, bytes => bytes.LongLength);
        for (var day = 1; day <= 4; day++)
        {
            cache.Set(day, new byte[100]);
        }

        cache.RemoveWhere(day => day < 3);

        Assert.Equal(200, cache.Bytes);
        Assert.False(cache.TryGetValue(2, out _));
        Assert.True(cache.TryGetValue(3, out _));
    }
}
