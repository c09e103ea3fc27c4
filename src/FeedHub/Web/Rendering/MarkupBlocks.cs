using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Components;

namespace FeedHub.Web.Rendering;

/// <summary>
/// HTML written as text (long lists: a digest day, the blogroll) and given to the renderer as markup in blocks that
/// each stay small objects. Written as one string, a list of a megabyte and more was a large object, copied whole into
/// another: allocations of large objects set off full collections, of a heap that holds the store's caches.
/// </summary>
public sealed class MarkupBlocks
{
    /// <summary>Characters a block ends after: well below the large object heap's 85,000 bytes.</summary>
    private const int BlockLength = 16 * 1024;

    private readonly StringBuilder _html = new(BlockLength + 1024);
    private readonly List<string> _blocks = [];

    public MarkupBlocks() => Output = new StringWriter(_html, CultureInfo.InvariantCulture);

    /// <summary>Where the HTML is written.</summary>
    public TextWriter Output { get; }

    /// <summary>Ends the block if it is long enough: called between elements, so that each block is whole elements.</summary>
    public void Break()
    {
        if (_html.Length >= BlockLength)
        {
            _blocks.Add(_html.ToString());
            _html.Clear();
        }
    }

    /// <summary>What was written, as markup for the renderer.</summary>
    public RenderFragment ToFragment()
    {
        if (_html.Length > 0)
        {
            _blocks.Add(_html.ToString());
            _html.Clear();
        }

        var blocks = _blocks.ToArray();
        return builder =>
        {
            foreach (var block in blocks)
            {
                builder.AddMarkupContent(0, block);
            }
        };
    }
}
