using System.Text;
using FeedHub.Core.Urls;

namespace FeedHub.Core.Tests.Urls;

public sealed class FeedAddressTests
{
    [Theory]
    [InlineData("https://name:pass@blog.example/feed", "https://blog.example/feed")]
    [InlineData("https://name@blog.example:8443/feed?x=1#top", "https://blog.example:8443/feed?x=1#top")]
    [InlineData("http://a%40b:p%3Aq@127.0.0.1:5000/", "http://127.0.0.1:5000/")]
    [InlineData("https://n:p@ss@blog.example/feed", "https://blog.example/feed")]
    [InlineData("https://blog.example/@author/feed", "https://blog.example/@author/feed")]
    [InlineData("https://blog.example/feed?mail=a@b.example", "https://blog.example/feed?mail=a@b.example")]
    [InlineData("not an address", "not an address")]
    public void An_address_is_shown_without_its_user_name_and_password(string address, string shown)
    {
        Assert.Equal(shown, FeedAddress.Shown(address));
        if (Uri.TryCreate(address, UriKind.Absolute, out var uri))
        {
            Assert.Equal(new Uri(shown).AbsoluteUri, FeedAddress.Shown(uri).AbsoluteUri);
        }
    }

    [Fact]
    public void The_credentials_of_an_address_are_percent_decoded_and_bound_to_its_origin()
    {
        var credentials = FeedAddress.CredentialsOf("https://reader%40example.org:s3cret%3Apa%20ss@members.example/feed.xml")!;

        Assert.Equal("reader@example.org", credentials.UserName);
        Assert.Equal("reader@example.org:s3cret:pa ss", Encoding.UTF8.GetString(Convert.FromBase64String(credentials.BasicParameter)));
        Assert.True(credentials.AreFor(new Uri("https://MEMBERS.example:443/posts/1")));
        Assert.False(credentials.AreFor(new Uri("http://members.example/feed.xml")), "another scheme is another origin");
        Assert.False(credentials.AreFor(new Uri("https://members.example:8443/feed.xml")), "another port is another origin");
        Assert.False(credentials.AreFor(new Uri("https://cdn.members.example/feed.xml")), "another host is another origin");
        Assert.DoesNotContain("s3cret", credentials.ToString(), StringComparison.Ordinal);
        Assert.Null(FeedAddress.CredentialsOf("https://members.example/feed.xml"));
        Assert.Null(FeedAddress.CredentialsOf("https://:@members.example/feed.xml"));
        Assert.Equal("token", FeedAddress.CredentialsOf("https://token@git.example/feed.atom")!.UserName);
    }

    [Fact]
    public void Credentials_travel_to_an_address_of_their_own_origin_only()
    {
        var credentials = FeedAddress.CredentialsOf("https://a%40b:p%3Aq@members.example/");

        Assert.Equal("https://a%40b:p%3Aq@members.example/feed.xml", FeedAddress.WithCredentials(new Uri("https://members.example/feed.xml"), credentials).AbsoluteUri);
        Assert.Equal("https://elsewhere.example/feed.xml", FeedAddress.WithCredentials(new Uri("https://x:y@elsewhere.example/feed.xml"), credentials).AbsoluteUri);
        Assert.Equal("https://members.example/feed.xml", FeedAddress.WithCredentials(new Uri("https://x:y@members.example/feed.xml"), null).AbsoluteUri);
    }
}
