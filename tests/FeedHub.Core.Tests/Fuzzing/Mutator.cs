using System.Text;

namespace FeedHub.Core.Tests.Fuzzing;

/// <summary>
/// Deterministic mutations of markup documents (feeds, OPML, HTML pages), the kinds that break parsers: byte flips,
/// truncation, duplicated tags, entities, floods of comments/CDATA/processing instructions/declarations, deep
/// nesting, attribute floods, encoding junk and splices of another document. The same seed and index always give the
/// same bytes, so every finding can be replayed. Shared by the CI fuzz tests and the long run of FeedHub.Benchmarks.
/// </summary>
public static class Mutator
{
    private static readonly string[] Entities =
    [
        "&amp;", "&nbsp;", "&", "&#", "&#x;", "&#0;", "&#x0;", "&#1114112;", "&#xD800;", "&#150;", "&#x92;", "&undefined;",
        "&lt;", "&lt;script&gt;", "&amp;amp;amp;", "&#38;#38;", "&hellip", "&#99999999999;", "&eacute;", "&a:b;",
    ];

    private static readonly string[] Floods =
    [
        "<!--x-->", "<!---->", "<![CDATA[x]]>", "<![CDATA[", "<?pi x?>", "<?xml version=\"1.0\"?>", "<!x>", "<!DOCTYPE x>",
        "<!ENTITY e \"x\">", "]]>", "-->", "<br>", "</item>", "<item>", "<entry>", "</channel>", "<", "&amp;", "<a b='",
    ];

    private static readonly string[] Junk =
    [
        "\uFEFF", "\0", "\uFFFE", "\u0085", "\u2028", "\u001B", "\r", "\uD800", "<?xml version=\"1.0\" encoding=\"utf-16\"?>",
        "<?xml version=\"1.0\" encoding=\"bogus\"?>", "<!DOCTYPE html>", "<html>", "{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[",
        "<!DOCTYPE rss [<!ENTITY a \"&b;\"><!ENTITY b \"x\">]>", "<!DOCTYPE rss SYSTEM \"file:///etc/passwd\">",
        "xmlns:x=\"", "x:y=\"1\"", "<x:y>", "xml:base=\"javascript:alert(1)//\"", "href=\"javascript:alert(1)\"",
    ];

    private static readonly byte[][] BadBytes =
    [
        [0xFF, 0xFE], [0xFE, 0xFF], [0xEF, 0xBB, 0xBF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x80], [0xC2],
        [0xE2, 0x82], [0x00, 0x3C, 0x00], [0x1F, 0x8B, 0x08],
    ];

    /// <summary>The <paramref name="index"/>-th mutant of a run: one to three mutations of one seed, spliced with another at times.</summary>
    /// <param name="maxRepeats">The most a flood repeats its unit (nesting goes five times deeper).</param>
    public static byte[] Mutant(IReadOnlyList<byte[]> seeds, int seed, int index, int maxRepeats)
    {
        // HashCode is randomised per process; the mix must be the same in every run.
        var random = new Random(unchecked((seed * 1_000_003) + index));
        var document = seeds[index % seeds.Count];
        var mutations = 1 + random.Next(3);
        for (var i = 0; i < mutations; i++)
        {
            document = Mutate(document, seeds, random, maxRepeats);
        }

        return document;
    }

    /// <summary>One mutation of <paramref name="document"/>.</summary>
    public static byte[] Mutate(byte[] document, IReadOnlyList<byte[]> seeds, Random random, int maxRepeats)
    {
        var kind = random.Next(11);
        return kind switch
        {
            0 => FlipBytes(document, random),
            1 => Truncate(document, random),
            2 => DuplicateTag(document, random, maxRepeats),
            3 => Insert(document, random, Entities[random.Next(Entities.Length)], 1 + random.Next(3)),
            4 => Insert(document, random, Floods[random.Next(Floods.Length)], Repeats(random, maxRepeats)),
            5 => Nest(document, random, 5 * maxRepeats),
            6 => AttributeFlood(document, random, 2 * maxRepeats),
            7 => Insert(document, random, Junk[random.Next(Junk.Length)], 1 + random.Next(2)),
            8 => InsertBytes(document, random, BadBytes[random.Next(BadBytes.Length)]),
            9 => Splice(document, seeds[random.Next(seeds.Count)], random),
            _ => DeleteRange(document, random),
        };
    }

    /// <summary>Mostly a few, sometimes very many: floods show quadratic behaviour only when they are long.</summary>
    private static int Repeats(Random random, int max) => random.Next(4) switch
    {
        0 => 1 + random.Next(3),
        1 => 10 + random.Next(100),
        2 => Math.Max(1, max / 10) + random.Next(Math.Max(1, max / 10)),
        _ => Math.Max(1, max / 2) + random.Next(Math.Max(1, max / 2)),
    };

    private static byte[] FlipBytes(byte[] document, Random random)
    {
        var copy = (byte[])document.Clone();
        var flips = 1 + random.Next(8);
        for (var i = 0; i < flips && copy.Length > 0; i++)
        {
            var at = random.Next(copy.Length);
            copy[at] = random.Next(2) == 0 ? (byte)(copy[at] ^ (1 << random.Next(8))) : (byte)random.Next(256);
        }

        return copy;
    }

    private static byte[] Truncate(byte[] document, Random random) => document.Length == 0 ? document : document[..random.Next(document.Length)];

    private static byte[] DeleteRange(byte[] document, Random random)
    {
        if (document.Length < 2)
        {
            return document;
        }

        var start = random.Next(document.Length);
        var length = Math.Min(document.Length - start, 1 + random.Next(64));
        return [.. document.AsSpan(0, start), .. document.AsSpan(start + length)];
    }

    /// <summary>Repeats a piece that starts at a '&lt;' (an element, a start tag or part of one) in place.</summary>
    private static byte[] DuplicateTag(byte[] document, Random random, int maxRepeats)
    {
        var starts = StartsOfTags(document);
        if (starts.Count == 0)
        {
            return document;
        }

        var start = starts[random.Next(starts.Count)];
        var nextStarts = starts.Where(at => at > start).ToList();
        var end = nextStarts.Count == 0 ? document.Length : nextStarts[Math.Min(nextStarts.Count - 1, random.Next(Math.Min(nextStarts.Count, 8)))];
        var piece = document.AsSpan(start, end - start);
        var times = Repeats(random, maxRepeats / 4);
        if ((long)piece.Length * times > 4_000_000)
        {
            times = Math.Max(1, 4_000_000 / Math.Max(piece.Length, 1));
        }

        var output = new List<byte>(document.Length + (piece.Length * times));
        output.AddRange(document.AsSpan(0, end));
        for (var i = 0; i < times; i++)
        {
            output.AddRange(piece);
        }

        output.AddRange(document.AsSpan(end));
        return [.. output];
    }

    private static byte[] Nest(byte[] document, Random random, int maxDepth)
    {
        var depth = Repeats(random, maxDepth);
        var name = random.Next(5) switch
        {
            0 => "channel",
            1 => "media:group",
            2 => "div",
            3 => "outline text=\"x\" xmlUrl=\"http://e.example/f\"",
            _ => "b",
        };
        var close = name.Split(' ')[0];
        var open = string.Concat(Enumerable.Repeat($"<{name}>", depth));
        var closing = random.Next(2) == 0 ? string.Concat(Enumerable.Repeat($"</{close}>", depth)) : string.Empty;
        return Insert(document, random, open + "x" + closing, 1);
    }

    private static byte[] AttributeFlood(byte[] document, Random random, int maxAttributes)
    {
        var starts = StartsOfTags(document);
        var at = starts.Count == 0 ? 0 : starts[random.Next(starts.Count)] + 1;
        while (at < document.Length && document[at] is not ((byte)' ' or (byte)'>' or (byte)'/'))
        {
            at++;
        }

        var count = Repeats(random, maxAttributes);
        var attributes = new StringBuilder(count * 8);
        for (var i = 0; i < count; i++)
        {
            attributes.Append(random.Next(3) == 0 ? " a='v" : $" a{i}=\"v\"");
        }

        return InsertAt(document, at, Encoding.UTF8.GetBytes(attributes.ToString()));
    }

    private static byte[] Splice(byte[] document, byte[] other, Random random)
    {
        if (other.Length == 0)
        {
            return document;
        }

        var from = random.Next(other.Length);
        var length = Math.Min(other.Length - from, 1 + random.Next(2_048));
        return InsertAt(document, random.Next(document.Length + 1), other.AsSpan(from, length).ToArray());
    }

    private static byte[] Insert(byte[] document, Random random, string text, int times)
        => InsertAt(document, random.Next(document.Length + 1), Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(text, times))));

    private static byte[] InsertBytes(byte[] document, Random random, byte[] bytes) => InsertAt(document, random.Next(document.Length + 1), bytes);

    private static byte[] InsertAt(byte[] document, int at, ReadOnlySpan<byte> bytes) => [.. document.AsSpan(0, at), .. bytes, .. document.AsSpan(at)];

    private static List<int> StartsOfTags(byte[] document)
    {
        var starts = new List<int>();
        for (var at = Array.IndexOf(document, (byte)'<'); at >= 0 && starts.Count < 4_096; at = Array.IndexOf(document, (byte)'<', at + 1))
        {
            starts.Add(at);
        }

        return starts;
    }
}
