namespace FeedHub.Core.Parser;

/// <summary>
/// Hands text to an <see cref="System.Xml.XmlReader"/> while counting it against a <see cref="ParseBudget"/>: the
/// XML reader pulls its input in blocks, and every node the feed parser handles costs work in proportion to the
/// text it came from, so the blocks pulled pace the whole parse.
/// </summary>
internal sealed class BudgetedTextReader(TextReader inner, ParseBudget budget) : TextReader
{
    public override int Peek() => inner.Peek();

    public override int Read()
    {
        budget.Tick();
        return inner.Read();
    }

    public override int Read(char[] buffer, int index, int count)
    {
        var read = inner.Read(buffer, index, count);
        budget.Tick(Math.Max(read, 1));
        return read;
    }

    public override int Read(Span<char> buffer)
    {
        var read = inner.Read(buffer);
        budget.Tick(Math.Max(read, 1));
        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
