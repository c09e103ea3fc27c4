using System.Globalization;
using System.Text.RegularExpressions;

namespace FeedHub.Core.Dates;

/// <summary>
/// Reads the dates feeds really contain: RFC 822/2822 and its real-world variants (missing or wrong weekday,
/// non-English day and month names, named or numeric zones, two-digit years, no seconds, AM/PM) and ISO 8601 with its
/// sloppy forms (space instead of T, no zone, compact, zone without colon). A date without a zone is taken as UTC.
/// Thread-safe. Works on spans of the text: a date costs no allocation beyond the regular expression's match.
/// </summary>
public static partial class FeedDateParser
{
    private static readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> Months = BuildMonths().GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> ZoneMinutes = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase)
    {
        ["Z"] = 0, ["UT"] = 0, ["UTC"] = 0, ["GMT"] = 0, ["WET"] = 0,
        ["EST"] = -300, ["EDT"] = -240, ["CST"] = -360, ["CDT"] = -300, ["MST"] = -420, ["MDT"] = -360,
        ["PST"] = -480, ["PDT"] = -420, ["AKST"] = -540, ["AKDT"] = -480, ["HST"] = -600, ["AST"] = -240, ["ADT"] = -180,
        ["NST"] = -210, ["NDT"] = -150,
        ["BST"] = 60, ["IST"] = 330, ["CET"] = 60, ["CEST"] = 120, ["MET"] = 60, ["MEST"] = 120, ["MESZ"] = 120, ["MEZ"] = 60,
        ["WEST"] = 60, ["EET"] = 120, ["EEST"] = 180, ["MSK"] = 180, ["MSD"] = 240,
        ["JST"] = 540, ["KST"] = 540, ["HKT"] = 480, ["SGT"] = 480, ["CCT"] = 480, ["PHT"] = 480, ["WIB"] = 420, ["ICT"] = 420,
        ["AWST"] = 480, ["ACST"] = 570, ["ACDT"] = 630, ["AEST"] = 600, ["AEDT"] = 660, ["NZST"] = 720, ["NZDT"] = 780,
        ["BRT"] = -180, ["ART"] = -180,
    }.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The instant the text names, or null when it is not a recognisable date.</summary>
    public static DateTimeOffset? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var trimmed = text.Trim();
        return ParseIso(trimmed) ?? ParseNumeric(trimmed) ?? ParseWords(trimmed);
    }

    [GeneratedRegex(@"^(?<y>\d{4})(?:-?(?<mo>\d{2})(?:-?(?<d>\d{2}))?)?(?:(?:[Tt]|\s+)(?<h>\d{1,2}):?(?<mi>\d{2})(?::?(?<s>\d{2})(?:[.,](?<f>\d+))?)?)?\s*(?<z>[Zz]|[+-]\d{2}(?::?\d{2})?|(?:UTC|GMT|UT)(?:[+-]\d{2}(?::?\d{2})?)?)?$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex IsoPattern();

    private static DateTimeOffset? ParseIso(string text)
    {
        if (text.Length < 4 || !char.IsAsciiDigit(text[0]))
        {
            return null;
        }

        var match = IsoPattern().Match(text);
        if (!match.Success)
        {
            return null;
        }

        var groups = match.Groups;
        var year = Number(groups["y"].ValueSpan);
        var month = NumberOr(groups["mo"], 1);
        var day = NumberOr(groups["d"], 1);
        var hour = NumberOr(groups["h"], 0);
        var minute = NumberOr(groups["mi"], 0);
        var second = NumberOr(groups["s"], 0);
        var ticks = groups["f"].Success ? FractionTicks(groups["f"].ValueSpan) : 0;
        var offset = groups["z"].Success ? OffsetMinutes(groups["z"].ValueSpan) : 0;
        return Build(year, month, day, hour, minute, second, ticks, offset);
    }

    [GeneratedRegex(@"^(?<a>\d{1,4})(?<sep>[./-])(?<b>\d{1,2})(?<sep2>[./-])(?<c>\d{2,4})(?:[T\s,]+(?<h>\d{1,2}):(?<mi>\d{2})(?::(?<s>\d{2}))?\s*(?<ampm>[AaPp][Mm])?)?\s*(?<z>[Zz]|[+-]\d{2}(?::?\d{2})?|[A-Za-z]{2,5})?$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex NumericPattern();

    /// <summary>
    /// All-numeric dates: year first (2003/06/10), day first with dots (10.06.2003, European), and with slashes
    /// month first as in the US (06/10/2003) unless the first number cannot be a month.
    /// </summary>
    private static DateTimeOffset? ParseNumeric(string text)
    {
        if (!char.IsAsciiDigit(text[0]))
        {
            return null;
        }

        // Both separators must be the same (a backreference would say so, but the linear-time engine has none).
        var match = NumericPattern().Match(text);
        if (!match.Success || match.Groups["sep"].ValueSpan[0] != match.Groups["sep2"].ValueSpan[0])
        {
            return null;
        }

        var groups = match.Groups;
        int leading = Number(groups["a"].ValueSpan), middle = Number(groups["b"].ValueSpan), trailing = Number(groups["c"].ValueSpan);
        int year, month, day;
        if (groups["a"].Length == 4)
        {
            (year, month, day) = (leading, middle, trailing);
        }
        else if (groups["sep"].ValueSpan is "/" && leading <= 12)
        {
            (year, month, day) = (trailing, leading, middle);
        }
        else
        {
            (year, month, day) = (trailing, middle, leading);
        }

        if (year < 100)
        {
            year += year < 50 ? 2000 : 1900;
        }

        var hour = NumberOr(groups["h"], 0);
        if (groups["ampm"].Success && hour <= 12)
        {
            hour = (hour % 12) + (char.ToUpperInvariant(groups["ampm"].ValueSpan[0]) == 'P' ? 12 : 0);
        }

        var minute = NumberOr(groups["mi"], 0);
        var seconds = NumberOr(groups["s"], 0);
        var offset = groups["z"].Success ? OffsetMinutes(groups["z"].ValueSpan) : 0;
        return Build(year, month, day, hour, minute, seconds, 0, offset);
    }

    /// <summary>RFC 822 and everything that looks like it: reads words, numbers, a time and a zone in any order.</summary>
    private static DateTimeOffset? ParseWords(string text)
    {
        int? day = null, month = null, prefixMonth = null, year = null, zone = null, numericZone = null;
        int hour = 0, minute = 0, second = 0;
        long ticks = 0;
        var sawTime = false;
        var pm = (bool?)null;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsLetter(c))
            {
                var start = i;
                while (i < text.Length && (char.IsLetter(text[i]) || text[i] == '.'))
                {
                    i++;
                }

                var word = text.AsSpan(start, i - start).TrimEnd('.');
                if (Months.TryGetValue(word, out var m))
                {
                    // A later month name wins: "mar" before it is the French, Spanish or Italian Tuesday.
                    month = m;
                }
                else if (word.Length > 3 && Months.TryGetValue(word[..3], out m))
                {
                    prefixMonth ??= m;
                }
                else if (ZoneMinutes.TryGetValue(word, out var z))
                {
                    zone = z;
                }
                else if (word.Equals("PM", StringComparison.OrdinalIgnoreCase) || word.Equals("AM", StringComparison.OrdinalIgnoreCase))
                {
                    pm = word.Equals("PM", StringComparison.OrdinalIgnoreCase);
                }

                // Any other word is a weekday (in any language) or noise: weekdays are often wrong, so they never count.
                continue;
            }

            if ((c == '+' || (c == '-' && sawTime)) && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]))
            {
                var start = i++;
                while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == ':'))
                {
                    i++;
                }

                numericZone = OffsetMinutes(text.AsSpan(start, i - start));
                continue;
            }

            if (char.IsAsciiDigit(c))
            {
                var start = i;
                while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == ':' || (text[i] == '.' && ContainsColon(text, start, i))))
                {
                    i++;
                }

                var token = text.AsSpan(start, i - start);
                if (token.Contains(':'))
                {
                    if (!ReadTime(token, out hour, out minute, out second, out ticks))
                    {
                        return null;
                    }

                    sawTime = true;
                }
                else if (token.Length == 4 && year is null)
                {
                    year = Number(token);
                }
                else if (token.Length <= 2 && day is null)
                {
                    day = Number(token);
                }
                else if (token.Length <= 2 && year is null)
                {
                    var twoDigits = Number(token);
                    year = twoDigits < 50 ? 2000 + twoDigits : 1900 + twoDigits;
                }

                continue;
            }

            i++;
        }

        month ??= prefixMonth;
        if (day is null || month is null || year is null)
        {
            return null;
        }

        if (pm is not null && hour <= 12)
        {
            hour = pm.Value ? (hour % 12) + 12 : hour % 12;
        }

        return Build(year.Value, month.Value, day.Value, hour, minute, second, ticks, numericZone ?? zone ?? 0);

        static bool ContainsColon(string text, int start, int end) => text.AsSpan(start, end - start).Contains(':');
    }

    private static bool ReadTime(ReadOnlySpan<char> token, out int hour, out int minute, out int second, out long ticks)
    {
        hour = minute = second = 0;
        ticks = 0;
        var fraction = token.IndexOf('.');
        if (fraction >= 0)
        {
            // Only digits make a fraction: "14:.0:36" is no time (it threw, and lost the whole feed).
            var digits = token[(fraction + 1)..];
            if (digits.ContainsAnyExceptInRange('0', '9'))
            {
                return false;
            }

            ticks = FractionTicks(digits);
            token = token[..fraction];
        }

        // Two or three parts between colons, each of one or two digits.
        Span<Range> parts = stackalloc Range[4];
        var count = token.Split(parts, ':');
        if (count is < 2 or > 3)
        {
            return false;
        }

        foreach (var part in parts[..count])
        {
            if (token[part].Length is 0 or > 2)
            {
                return false;
            }
        }

        hour = Number(token[parts[0]]);
        minute = Number(token[parts[1]]);
        second = count == 3 ? Number(token[parts[2]]) : 0;
        return true;
    }

    private static DateTimeOffset? Build(int year, int month, int day, int hour, int minute, int second, long ticks, int offsetMinutes)
    {
        if (year is < 1 or > 9999 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 24 || minute > 59 || second > 60 || Math.Abs(offsetMinutes) > 14 * 60)
        {
            return null;
        }

        // 24:00 and leap seconds are written by real feeds; both are the next instant a clock can show.
        var extra = TimeSpan.Zero;
        if (hour == 24)
        {
            hour = 23;
            extra += TimeSpan.FromHours(1);
        }

        if (second == 60)
        {
            second = 59;
            extra += TimeSpan.FromSeconds(1);
        }

        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(ticks) + extra;
        return new DateTimeOffset(local, TimeSpan.FromMinutes(offsetMinutes));
    }

    private static int OffsetMinutes(ReadOnlySpan<char> zone)
    {
        var named = zone.TrimStart("+-");
        if (named.Length > 0 && char.IsLetter(named[0]))
        {
            var letters = 0;
            while (letters < zone.Length && char.IsLetter(zone[letters]))
            {
                letters++;
            }

            var baseMinutes = ZoneMinutes.TryGetValue(zone[..letters], out var minutes) ? minutes : 0;
            return letters < zone.Length ? baseMinutes + OffsetMinutes(zone[letters..]) : baseMinutes;
        }

        var sign = zone[0] == '-' ? -1 : 1;
        Span<char> buffer = stackalloc char[4];
        var length = 0;
        foreach (var c in named)
        {
            if (c == ':')
            {
                continue;
            }

            if (length == buffer.Length)
            {
                return 0; // more than four digits: not an offset
            }

            buffer[length++] = c;
        }

        ReadOnlySpan<char> digits = buffer[..length];
        var value = digits.Length switch
        {
            1 or 2 => Number(digits) * 60,
            3 => (Number(digits[..1]) * 60) + Number(digits[1..]),
            4 => (Number(digits[..2]) * 60) + Number(digits[2..]),
            _ => 0,
        };
        return sign * value;
    }

    /// <summary>A fraction of a second as ticks: its first seven digits, padded with zeros.</summary>
    private static long FractionTicks(ReadOnlySpan<char> digits)
    {
        var seven = digits[..Math.Min(digits.Length, 7)];
        var ticks = seven.IsEmpty ? 0 : long.Parse(seven, NumberStyles.None, CultureInfo.InvariantCulture);
        for (var padding = seven.Length; padding < 7; padding++)
        {
            ticks *= 10;
        }

        return ticks;
    }

    private static int Number(ReadOnlySpan<char> digits) => int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);

    private static int NumberOr(Group group, int absent) => group.Success ? Number(group.ValueSpan) : absent;

    private static Dictionary<string, int> BuildMonths()
    {
        string[][] names =
        [
            ["jan", "january", "januar", "janvier", "janv", "enero", "ene", "gennaio", "gen", "janeiro", "januari", "jänner", "jän", "styczeń", "sty", "январь", "января", "янв"],
            ["feb", "february", "februar", "février", "fév", "févr", "fevrier", "febrero", "febbraio", "fevereiro", "fev", "februari", "luty", "lut", "февраль", "февраля", "фев"],
            ["mar", "march", "märz", "mär", "mrz", "mars", "marzo", "março", "maart", "mrt", "marzec", "март", "марта", "мар"],
            ["apr", "april", "avril", "avr", "abril", "abr", "aprile", "kwiecień", "kwi", "апрель", "апреля", "апр"],
            ["may", "mai", "mayo", "maggio", "mag", "maio", "mei", "maj", "май", "мая"],
            ["jun", "june", "juni", "juin", "junio", "giugno", "giu", "junho", "czerwiec", "cze", "июнь", "июня", "июн"],
            ["jul", "july", "juli", "juillet", "juil", "julio", "luglio", "lug", "julho", "lipiec", "lip", "июль", "июля", "июл"],
            ["aug", "august", "août", "aout", "agosto", "ago", "augustus", "sierpień", "sie", "август", "августа", "авг"],
            ["sep", "sept", "september", "septembre", "septiembre", "set", "settembre", "setembro", "wrzesień", "wrz", "сентябрь", "сентября", "сен"],
            ["oct", "october", "oktober", "okt", "octobre", "octubre", "ottobre", "ott", "outubro", "out", "październik", "paź", "октябрь", "октября", "окт"],
            ["nov", "november", "novembre", "noviembre", "novembro", "listopad", "lis", "ноябрь", "ноября", "ноя"],
            ["dec", "december", "dezember", "dez", "décembre", "déc", "decembre", "diciembre", "dic", "dicembre", "dezembro", "grudzień", "gru", "декабрь", "декабря", "дек"],
        ];
        var months = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var index = 0; index < names.Length; index++)
        {
            foreach (var name in names[index])
            {
                months.TryAdd(name, index + 1);
            }
        }

        return months;
    }
}
