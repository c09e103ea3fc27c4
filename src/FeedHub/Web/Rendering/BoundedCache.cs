using System.Collections.Concurrent;

namespace FeedHub.Web.Rendering;

/// <summary>
/// What FeedHub keeps rendered (responses, WebSub topics, the digest feed's days), bounded by count and by bytes: the
/// keys are named by requests (hosts, queries, subscriptions), so a count alone let a crawler keep hundreds of
/// megabytes. Past either bound the cache starts over (what is still asked for is rendered again at once, and there
/// is no order to keep on the read path); a value alone over the bytes is not kept. Each value is counted for the
/// bytes it had when kept, plus what <see cref="Grow"/> added, so a value that grows elsewhere never skews the total.
/// </summary>
/// <param name="maxEntries">How many values may be kept.</param>
/// <param name="maxBytes">What the kept values may take in all.</param>
/// <param name="bytesOf">The bytes a value takes.</param>
public sealed class BoundedCache<TKey, TValue>(int maxEntries, long maxBytes, Func<TValue, long> bytesOf)
    where TKey : notnull
    where TValue : class
{
    private readonly ConcurrentDictionary<TKey, (TValue Value, long Bytes)> _kept = new();
    private readonly Lock _keeping = new();
    private long _bytes;

    /// <summary>The bytes of the kept values.</summary>
    public long Bytes
    {
        get
        {
            lock (_keeping)
            {
                return _bytes;
            }
        }
    }

    public bool TryGetValue(TKey key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out TValue value)
    {
        var found = _kept.TryGetValue(key, out var kept);
        value = kept.Value;
        return found;
    }

    /// <summary>Keeps <paramref name="value"/> under <paramref name="key"/>, in place of the one there.</summary>
    public void Set(TKey key, TValue value)
    {
        var bytes = bytesOf(value);
        lock (_keeping)
        {
            if (_kept.TryRemove(key, out var replaced))
            {
                _bytes -= replaced.Bytes;
            }

            if (bytes > maxBytes)
            {
                return;
            }

            if (_kept.Count >= maxEntries || _bytes + bytes > maxBytes)
            {
                _kept.Clear();
                _bytes = 0;
            }

            _kept[key] = (value, bytes);
            _bytes += bytes;
        }
    }

    /// <summary>
    /// Counts <paramref name="added"/> more bytes for <paramref name="value"/> while it is the one kept under
    /// <paramref name="key"/> (a response compressed in one more encoding); past the bound the cache starts over with it
    /// alone, unless it is over the bound by itself.
    /// </summary>
    public void Grow(TKey key, TValue value, long added)
    {
        lock (_keeping)
        {
            if (!_kept.TryGetValue(key, out var kept) || !ReferenceEquals(kept.Value, value))
            {
                return;
            }

            var bytes = kept.Bytes + added;
            _kept[key] = (value, bytes);
            _bytes += added;
            if (_bytes > maxBytes)
            {
                _kept.Clear();
                _bytes = 0;
                if (bytes <= maxBytes)
                {
                    _kept[key] = (value, bytes);
                    _bytes = bytes;
                }
            }
        }
    }

    /// <summary>Forgets the values whose keys match <paramref name="gone"/>.</summary>
    public void RemoveWhere(Func<TKey, bool> gone)
    {
        lock (_keeping)
        {
            foreach (var key in _kept.Keys.Where(gone))
            {
                if (_kept.TryRemove(key, out var removed))
                {
                    _bytes -= removed.Bytes;
                }
            }
        }
    }
}
