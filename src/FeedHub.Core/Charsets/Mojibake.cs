using System.Buffers;
using System.Text;

namespace FeedHub.Core.Charsets;

/// <summary>
/// Repairs text that its source encoded twice: UTF-8 bytes read as Windows-1252 (or Latin-1) and encoded again, once
/// or twice over, so that "für" arrives as "fÃ¼r" and "’" as "â€™". Only exact UTF-8 byte sequences spelled in
/// Windows-1252 characters are replaced, one at a time, so correct text around them (and correct text in general:
/// French, German, Greek, Vietnamese…) is left as it is. Linear in the length of the text.
/// </summary>
public static class Mojibake
{
    /// <summary>Double encoding happens at most a few times over; each pass undoes one.</summary>
    private const int MaxPasses = 3;

    /// <summary>The characters of Windows-1252's bytes 0x80–0x9F (Latin-1 control codes where the code page has none).</summary>
    private const string Windows1252High =
        "€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ";

    /// <summary>Every character a UTF-8 lead byte (0xC2–0xF4) becomes in Windows-1252: the cheap test for "maybe broken".</summary>
    private static readonly SearchValues<char> Leads = SearchValues.Create("ÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõö");

    /// <summary>The text with every double-encoded sequence decoded; the same instance when there was nothing to repair.</summary>
    public static string Repair(string text)
    {
        for (var pass = 0; pass < MaxPasses && text.AsSpan().IndexOfAny(Leads) >= 0; pass++)
        {
            var repaired = RepairOnce(text);
            if (ReferenceEquals(repaired, text))
            {
                break;
            }

            text = repaired;
        }

        return text;
    }

    /// <summary><see cref="Repair(string)"/> for optional text.</summary>
    public static string? RepairOrNull(string? text) => text is null ? null : Repair(text);

    private static string RepairOnce(string text)
    {
        StringBuilder? repaired = null;
        var copiedUpTo = 0;
        Span<byte> bytes = stackalloc byte[4];
        for (var i = text.AsSpan().IndexOfAny(Leads); i >= 0 && i < text.Length; i++)
        {
            var lead = ByteOf(text[i]);
            if (lead is < 0xC2 or > 0xF4)
            {
                continue;
            }

            var length = lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
            if (i + length > text.Length || !TrySpell(text.AsSpan(i, length), bytes[..length]))
            {
                continue;
            }

            if (Rune.DecodeFromUtf8(bytes[..length], out var rune, out var consumed) != OperationStatus.Done
                || consumed != length || !IsPlausible(rune))
            {
                continue;
            }

            repaired ??= new StringBuilder(text.Length);
            repaired.Append(text, copiedUpTo, i - copiedUpTo);
            repaired.Append(rune.ToString());
            copiedUpTo = i + length;
            i += length - 1;
        }

        if (repaired is null)
        {
            return text;
        }

        repaired.Append(text, copiedUpTo, text.Length - copiedUpTo);
        return repaired.ToString();
    }

    /// <summary>The bytes the characters stand for in Windows-1252, when they form a lead byte and its continuation bytes.</summary>
    private static bool TrySpell(ReadOnlySpan<char> characters, Span<byte> bytes)
    {
        for (var k = 0; k < characters.Length; k++)
        {
            var b = ByteOf(characters[k]);
            if (b < 0 || (k > 0 && b is < 0x80 or > 0xBF))
            {
                return false;
            }

            bytes[k] = (byte)b;
        }

        return true;
    }

    /// <summary>
    /// Rules out what real double encoding does not produce but correct text can spell by chance: control characters,
    /// and the scripts of U+0700–U+07FF, which are what German "ß“" (0xDF 0x93) or Icelandic "Þ" before a quote would decode to.
    /// </summary>
    private static bool IsPlausible(Rune rune)
        => !Rune.IsControl(rune) && rune.Value is not (>= 0x0700 and <= 0x07FF)
           && Rune.GetUnicodeCategory(rune) is not (System.Globalization.UnicodeCategory.OtherNotAssigned
               or System.Globalization.UnicodeCategory.PrivateUse or System.Globalization.UnicodeCategory.Surrogate);

    /// <summary>The byte a character stands for in Windows-1252 or in Latin-1 (text read either way), or -1.</summary>
    private static int ByteOf(char c)
    {
        if (c <= 0xFF)
        {
            return c;
        }

        var high = Windows1252High.IndexOf(c, StringComparison.Ordinal);
        return high < 0 ? -1 : 0x80 + high;
    }
}
