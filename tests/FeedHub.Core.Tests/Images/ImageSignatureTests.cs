using FeedHub.Core.Images;

namespace FeedHub.Core.Tests.Images;

public sealed class ImageSignatureTests
{
    private readonly ImageSignature _signature = new(ImageSignature.NewKey());

    [Fact]
    public void A_signed_address_opens_to_the_address_it_was_made_for()
    {
        var (mac, encoded) = _signature.Sign("https://blog.example/images/photo.jpg?w=600&h=400");

        Assert.True(_signature.TryVerify(mac, encoded, out var url));
        Assert.Equal("https://blog.example/images/photo.jpg?w=600&h=400", url.AbsoluteUri);
        Assert.DoesNotContain('/', mac + encoded);
        Assert.DoesNotContain('+', mac + encoded);
    }

    [Fact]
    public void Changed_foreign_or_malformed_signatures_are_refused()
    {
        var (mac, encoded) = _signature.Sign("https://blog.example/a.png");
        var (otherMac, otherEncoded) = _signature.Sign("https://blog.example/b.png");
        var (foreignMac, _) = new ImageSignature(ImageSignature.NewKey()).Sign("https://blog.example/a.png");

        Assert.False(_signature.TryVerify(mac, otherEncoded, out _));
        Assert.False(_signature.TryVerify(otherMac, encoded, out _));
        Assert.False(_signature.TryVerify(foreignMac, encoded, out _));
        Assert.False(_signature.TryVerify(mac[..^2] + (mac[^2] == 'A' ? "B" : "A") + mac[^1], encoded, out _));
        Assert.False(_signature.TryVerify("", encoded, out _));
        Assert.False(_signature.TryVerify("not base64!", encoded, out _));
        Assert.False(_signature.TryVerify(mac, "%%%", out _));
        Assert.False(_signature.TryVerify(new string('A', 5000), encoded, out _));
    }

    [Fact]
    public void Only_web_addresses_open_even_when_signed()
    {
        var (mac, encoded) = _signature.Sign("file:///etc/passwd");

        Assert.False(_signature.TryVerify(mac, encoded, out _));
    }
}
