using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace FeedHub.Web;

/// <summary>HTML that is safe to write as it is: either written by FeedHub or sanitised.</summary>
public readonly record struct Markup(string Value)
{
    public static readonly Markup Empty = new(string.Empty);

    /// <summary>Marks already-sanitised HTML (stored article content) as safe.</summary>
    public static Markup Trusted(string? sanitisedHtml) => new(sanitisedHtml ?? string.Empty);

    /// <summary>Builds markup from an interpolated string whose holes are HTML-encoded unless they are markup.</summary>
    public static Markup Of([InterpolatedStringHandlerArgument] ref MarkupBuilder builder) => builder.Build();

    public static Markup Join(IEnumerable<Markup> parts) => new(string.Concat(parts.Select(p => p.Value)));

    public override string ToString() => Value;
}

/// <summary>Encodes every interpolated value as HTML text, so text from feeds can never become markup.</summary>
[InterpolatedStringHandler]
public ref struct MarkupBuilder
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);
    private readonly StringBuilder _html;

    public MarkupBuilder(int literalLength, int formattedCount)
    {
        _html = new StringBuilder(literalLength + (formattedCount * 24));
    }

    public readonly void AppendLiteral(string literal) => _html.Append(literal);

    public readonly void AppendFormatted(Markup markup) => _html.Append(markup.Value);

    public readonly void AppendFormatted(IEnumerable<Markup> parts)
    {
        foreach (var part in parts)
        {
            _html.Append(part.Value);
        }
    }

    public readonly void AppendFormatted(string? text) => _html.Append(Encoder.Encode(text ?? string.Empty));

    public readonly void AppendFormatted<T>(T value)
    {
        switch (value)
        {
            case Markup markup:
                AppendFormatted(markup);
                break;
            case IEnumerable<Markup> parts:
                AppendFormatted(parts);
                break;
            default:
                AppendFormatted(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    public readonly void AppendFormatted<T>(T value, string format)
        where T : IFormattable
        => AppendFormatted(value.ToString(format, CultureInfo.InvariantCulture));

    public readonly Markup Build() => new(_html.ToString());
}
