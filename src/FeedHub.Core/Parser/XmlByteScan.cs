namespace FeedHub.Core.Parser;

/// <summary>What a strict XML reader would make of a document, as far as cheap checks on its bytes can tell.</summary>
internal enum StrictReading
{
    /// <summary>The strict reader would refuse it (or read it wrongly): take the repairing path straight away.</summary>
    Refused,

    /// <summary>Nothing the checks can see stands in the way.</summary>
    Clean,

    /// <summary>Readable, but windows-1252 characters were smuggled in as C1 controls and must be mapped afterwards.</summary>
    CleanWithC1Controls,
}

/// <summary>Cheap checks on raw UTF-8 bytes, deciding whether a document can take the strict fast path.</summary>
internal static class XmlByteScan
{
    /// <summary>
    /// Refuses what would make a strict reader throw early or misread: content before the XML declaration, and
    /// entity references XML does not define (HTML entities, bare ampersands) outside CDATA sections and comments.
    /// Notes C1 controls (raw, or as character references &amp;#128;–&amp;#159;), which XML accepts but which mean
    /// windows-1252 punctuation. Other faults make the strict reader throw, which sends the document to the
    /// repairing path anyway; these checks only save that wasted attempt or catch what it misses.
    /// </summary>
    public static StrictReading Check(ReadOnlySpan<byte> utf8)
    {
        if (!StartsCleanly(utf8))
        {
            return StrictReading.Refused;
        }

        var hasC1 = false;
        for (var at = utf8.IndexOf((byte)0xC2); at >= 0 && at + 1 < utf8.Length; at = NextIndex(utf8, at + 1, (byte)0xC2))
        {
            if (utf8[at + 1] is >= 0x80 and <= 0x9F)
            {
                hasC1 = true;
                break;
            }
        }

        var nextCdata = NotSearched;
        var nextSkippable = NextSkippable(utf8, 0, ref nextCdata);
        for (var at = utf8.IndexOf((byte)'&'); at >= 0; at = NextIndex(utf8, at + 1, (byte)'&'))
        {
            var skipped = false;
            while (nextSkippable >= 0 && nextSkippable < at)
            {
                var terminator = utf8[nextSkippable..].StartsWith("<!--"u8) ? "-->"u8 : "]]>"u8;
                var end = NextIndex(utf8, nextSkippable + 4, terminator);
                if (end < 0)
                {
                    return StrictReading.Refused;
                }

                end += terminator.Length;
                nextSkippable = NextSkippable(utf8, end, ref nextCdata);
                if (at < end)
                {
                    at = end - 1;
                    skipped = true;
                    break;
                }
            }

            if (skipped)
            {
                continue;
            }

            switch (ReadReference(utf8[(at + 1)..]))
            {
                case Reference.Invalid:
                    return StrictReading.Refused;
                case Reference.C1Control:
                    hasC1 = true;
                    break;
            }
        }

        return hasC1 ? StrictReading.CleanWithC1Controls : StrictReading.Clean;
    }

    private enum Reference
    {
        Invalid,
        Valid,
        C1Control,
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

    private static Reference ReadReference(ReadOnlySpan<byte> afterAmpersand)
    {
        // Escaped HTML is made of these: settle them before looking for the semicolon.
        if (afterAmpersand.StartsWith("lt;"u8) || afterAmpersand.StartsWith("gt;"u8) || afterAmpersand.StartsWith("quot;"u8) || afterAmpersand.StartsWith("amp;"u8))
        {
            return Reference.Valid;
        }

        var end = afterAmpersand[..Math.Min(afterAmpersand.Length, 12)].IndexOf((byte)';');
        if (end <= 0)
        {
            return Reference.Invalid;
        }

        var reference = afterAmpersand[..end];
        if (reference[0] != '#')
        {
            return reference.SequenceEqual("amp"u8) || reference.SequenceEqual("lt"u8) || reference.SequenceEqual("gt"u8)
                || reference.SequenceEqual("quot"u8) || reference.SequenceEqual("apos"u8) ? Reference.Valid : Reference.Invalid;
        }

        var hex = reference.Length > 1 && reference[1] == 'x';
        var digits = reference[(hex ? 2 : 1)..];
        if (digits.IsEmpty)
        {
            return Reference.Invalid;
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
                return Reference.Invalid;
            }

            value = (value * (hex ? 16 : 10)) + digit;
        }

        return value is >= 0x80 and <= 0x9F ? Reference.C1Control : Reference.Valid;
    }

    private const int NotSearched = -2;

    /// <summary>
    /// The next CDATA section or comment. Comments are only looked for before the next CDATA section, and that one is
    /// remembered in <paramref name="nextCdata"/> until passed (searching it after every comment would read the rest
    /// of the document once per comment): the scan stays linear.
    /// </summary>
    private static int NextSkippable(ReadOnlySpan<byte> bytes, int from, ref int nextCdata)
    {
        if (nextCdata == NotSearched || (nextCdata >= 0 && nextCdata < from))
        {
            nextCdata = NextIndex(bytes, from, "<![CDATA["u8);
        }

        var comment = bytes[from..(nextCdata < 0 ? bytes.Length : nextCdata)].IndexOf("<!--"u8);
        return comment >= 0 ? from + comment : nextCdata;
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
