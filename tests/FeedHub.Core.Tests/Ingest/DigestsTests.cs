using FeedHub.Core.Ingest;
using FeedHub.Core.Parser;

namespace FeedHub.Core.Tests.Ingest;

/// <summary>
/// The digests FeedHub stores with every article (content hash, key of an item without id or link, story keys, entry id)
/// stay what earlier versions stored: a different content hash would make every stored article look edited, a different
/// story key or entry id would split stories and show readers old posts as new. The expected values are SHA-256 computed
/// apart (Python's hashlib) over the UTF-8 of the parts, each followed by a zero byte for the hashes of several parts.
/// </summary>
public sealed class DigestsTests
{
    private static readonly FeedItem Item = new()
    {
        // A lone surrogate, which UTF-8 writes as U+FFFD, beside accents and an emoji.
        Title = "Café – ünïcode 🎉 \ud800 broken",
        Link = "https://blog.example/2026/12/07/cafe/",
        Author = "Jürgen Müller",
        Summary = "Text of the post… [&#8230;]",
        Content = "<p>Ein <b>Beispiel</b> mit Umlauten: äöü ß</p>",
        Published = new DateTimeOffset(2026, 12, 7, 5, 30, 0, TimeSpan.Zero),
    };

    [Fact]
    public void The_content_hash_is_the_one_stored_by_earlier_versions()
        => Assert.Equal("55cfe067ca2f7f1b53f6c300520ec558", ArticleIdentity.ContentHashOf(Item));

    [Fact]
    public void An_item_without_id_or_link_is_keyed_by_the_hash_earlier_versions_made()
        => Assert.Equal("hash:760f9d13a6962a95962870f28acdebf3", ArticleIdentity.KeyOf(new FeedItem { Title = Item.Title, Content = Item.Content }, resolvedLink: null));

    [Fact]
    public void A_story_keys_story_is_the_key_stored_by_earlier_versions()
        => Assert.Equal("b8c9c6aad3dc272cf3efb73d28801a52", StoryIdentity.StoryOf(Assert.Single(StoryIdentity.KeysOf("https://www.blog.example/2026/12/07/cafe/", null, null))));

    [Fact]
    public void An_entry_id_is_the_one_minted_by_earlier_versions()
        => Assert.Equal("tag:planet.example,2026-12-07:source/7/eb2c3969e9b4013a",
            EntryIds.Mint("planet.example", new DateTimeOffset(2026, 12, 7, 23, 0, 0, TimeSpan.Zero), 7, "id:https://blog.example/?p=42"));
}
