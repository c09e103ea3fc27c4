using FeedHub.Core.Ingest;
using FeedHub.Core.Model;
using FeedHub.Core.Parser;

namespace FeedHub.Core.Tests.Ingest;

/// <summary>An item's content hash follows its enclosures, so a re-poll stores a changed episode file; items without any keep the hash they had.</summary>
public sealed class ArticleIdentityEnclosureTests
{
    private static FeedItem Episode(params Enclosure[] enclosures)
    {
        var item = new FeedItem { Id = "ep1", Title = "Episode 1", Link = "https://show.example/1", Summary = "<p>Notes</p>" };
        item.Enclosures.AddRange(enclosures);
        return item;
    }

    [Fact]
    public void A_changed_enclosure_changes_the_hash()
    {
        var before = ArticleIdentity.ContentHashOf(Episode(new Enclosure { Url = "https://cdn.example/ep1.mp3", MediaType = "audio/mpeg" }));

        Assert.NotEqual(before, ArticleIdentity.ContentHashOf(Episode(new Enclosure { Url = "https://cdn.example/ep1-fixed.mp3", MediaType = "audio/mpeg" })));
        Assert.NotEqual(before, ArticleIdentity.ContentHashOf(Episode(new Enclosure { Url = "https://cdn.example/ep1.mp3", MediaType = "audio/mpeg", Length = 1 })));
        Assert.NotEqual(before, ArticleIdentity.ContentHashOf(Episode()));
        Assert.Equal(before, ArticleIdentity.ContentHashOf(Episode(new Enclosure { Url = "https://cdn.example/ep1.mp3", MediaType = "audio/mpeg" })));
    }

    [Fact]
    public void An_item_without_enclosures_keeps_the_hash_stored_before_enclosures_were_kept()
        => Assert.Equal(Digests.Sha256Hex(["Episode 1", "https://show.example/1", null, "<p>Notes</p>", null, null, null, null], 16), ArticleIdentity.ContentHashOf(Episode()));
}
