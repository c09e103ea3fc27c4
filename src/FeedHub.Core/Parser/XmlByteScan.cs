namespace FeedHub.Core.Parser;

/// <summary>Cheap checks on raw UTF-8 bytes, deciding whether a document can take the strict fast path.</summary>
internal static class XmlByteScan
{
    /// <summary>
    /// False when a strict XML reader would read the document wrongly or give up on it: windows-1252 characters
    /// smuggled in as C1 controls (raw, or as character references &amp;#128;–&amp;#159;), and entity references
    /// XML does not define (HTML entities, bare ampersands). Other faults make the strict reader throw, which sends
    /// the document to the repairing path anyway; these checks only save that wasted attempt or catch what it misses.
    /// </summary>
    public static bool IsStrictlyReadable(ReadOnlySpan<byte> utf8)
    {
        if (!StartsCleanly(utf8))
        {
            return false;
        }

        for (var at = utf8.IndexOf((byte)0xC2); at >= 0 && at + 1 < utf8.Length; at = NextIndex(utf8, at + 1, (byte)0xC2))
        {
            if (utf8[at + 1] is >= 0x80 and <= 0x9F)
            {
                return false;
            }
        }

        var nextCdata = utf8.IndexOf("<![CDATA["u8);
        for (var at = utf8.IndexOf((byte)'&'); at >= 0; at = NextIndex(utf8, at + 1, (byte)'&'))
        {
            var insideCdata = false;
            while (nextCdata >= 0 && nextCdata < at)
            {
                var end = NextIndex(utf8, nextCdata, "]]>"u8);
                if (end < 0)
                {
                    return false;
                }

                nextCdata = NextIndex(utf8, end, "<![CDATA["u8);
                if (at < end)
                {
                    insideCdata = true;
                    at = end;
                    break;
                }
            }

            if (insideCdata)
            {
                continue;
            }

            if (!IsWellFormedReference(utf8[(at + 1)..]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>An XML declaration at the very start, or none near the top and only whitespace before the first tag.</summary>
    private static bool StartsCleanly(ReadOnlySpan<byte> utf8)
    {
        if (utf8.StartsWith("<?xml"u8))
        {
            return true;
        }

        if (utf8[..Math.Min(utf8.Length, 1024)].IndexOf("<?xml"u8) >= 0)
        {
            return false;
        }

        var start = utf8.TrimStart(" \t\r\n"u8);
        return !start.IsEmpty && start[0] == '<';
    }

    private static bool IsWellFormedReference(ReadOnlySpan<byte> afterAmpersand)
    {
        var end = afterAmpersand[..Math.Min(afterAmpersand.Length, 12)].IndexOf((byte)';');
        if (end <= 0)
        {
            return false;
        }

        var reference = afterAmpersand[..end];
        if (reference[0] != '#')
        {
            return reference.SequenceEqual("amp"u8) || reference.SequenceEqual("lt"u8) || reference.SequenceEqual("gt"u8)
                || reference.SequenceEqual("quot"u8) || reference.SequenceEqual("apos"u8);
        }

        var hex = reference.Length > 1 && reference[1] == 'x';
        var digits = reference[(hex ? 2 : 1)..];
        if (digits.IsEmpty)
        {
            return false;
        }

        var value = 0;
        foreach (var b in digits)
        {
            var digit = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' when hex => b - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' when hex => b - 'A' + 10,
                _ => -1,
            };
            if (digit < 0)
            {
                return false;
            }

            value = (value * (hex ? 16 : 10)) + digit;
        }

        return value is not (>= 0x80 and <= 0x9F);
    }

    private static int NextIndex(ReadOnlySpan<byte> bytes, int from, byte value)
    {
        var found = bytes[from..].IndexOf(value);
        return found < 0 ? -1 : from + found;
    }

    private static int NextIndex(ReadOnlySpan<byte> bytes, int from, ReadOnlySpan<byte> value)
    {
        var found = bytes[from..].IndexOf(value);
        return found < 0 ? -1 : from + found;
    }
}
