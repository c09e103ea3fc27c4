using System.Text;

namespace FeedHub.Core.Urls;

/// <summary>
/// A feed address as stored and as shown. A feed behind HTTP Basic authentication (a members' feed, a private Gitea or
/// Patreon feed) is subscribed with its user name and password in the address, <c>https://name:password@host/feed</c>,
/// as Miniflux and FreshRSS take them. The stored address keeps them, so that a poll can send them
/// (<see cref="CredentialsOf(string)"/>); everything FeedHub shows or writes of an address (pages, feeds, OPML, API
/// answers, health, problem details, logs) goes through <see cref="Shown(string)"/>, which leaves them out.
/// </summary>
public static class FeedAddress
{
    private static readonly char[] AuthorityEnds = ['/', '?', '#', '\\'];

    /// <summary>The address without its user information (<c>name:password@</c>); as it is when it has none.</summary>
    public static string Shown(string address)
    {
        var start = address.IndexOf("://", StringComparison.Ordinal);
        if (start < 0)
        {
            return address;
        }

        start += 3;
        var end = address.IndexOfAny(AuthorityEnds, start);
        if (end < 0)
        {
            end = address.Length;
        }

        // The last '@' of the authority: a password written with an unescaped '@' is left out whole.
        var at = address.LastIndexOf('@', end - 1, end - start);
        return at < 0 ? address : string.Concat(address.AsSpan(0, start), address.AsSpan(at + 1));
    }

    /// <inheritdoc cref="Shown(string)"/>
    public static Uri Shown(Uri address)
        => !address.IsAbsoluteUri || address.UserInfo.Length == 0 ? address : new Uri(Shown(address.AbsoluteUri));

    /// <summary>The user name and password an address carries, percent-decoded, for its own origin; null when it has none.</summary>
    public static SiteCredentials? CredentialsOf(string address)
        => address.Contains('@') && Uri.TryCreate(address, UriKind.Absolute, out var uri) ? CredentialsOf(uri) : null;

    /// <inheritdoc cref="CredentialsOf(string)"/>
    public static SiteCredentials? CredentialsOf(Uri address)
    {
        if (!address.IsAbsoluteUri || address.UserInfo is not { Length: > 0 } userInfo)
        {
            return null;
        }

        var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
        var name = Uri.UnescapeDataString(colon < 0 ? userInfo : userInfo[..colon]);
        var password = colon < 0 ? string.Empty : Uri.UnescapeDataString(userInfo[(colon + 1)..]);
        return name.Length == 0 && password.Length == 0 ? null : new SiteCredentials(address, userInfo, name, password);
    }

    /// <summary>
    /// <paramref name="address"/> carrying <paramref name="credentials"/> when they are for its origin (a feed found
    /// or redirected to on the same site), else as shown: another site never gets them, not even in an address.
    /// </summary>
    public static Uri WithCredentials(Uri address, SiteCredentials? credentials)
    {
        var shown = Shown(address);
        return credentials is not null && credentials.AreFor(shown) ? credentials.AddTo(shown) : shown;
    }
}

/// <summary>
/// A user name and password for HTTP Basic authentication (RFC 7617), bound to the one origin (scheme, host, port) they
/// were given for: the fetcher sends them there and nowhere else. Never written out: <see cref="ToString"/> names the
/// origin only.
/// </summary>
public sealed class SiteCredentials
{
    private readonly string _scheme;
    private readonly string _host;
    private readonly int _port;
    private readonly string _userInfo;
    private readonly string _password;

    internal SiteCredentials(Uri origin, string userInfo, string userName, string password)
    {
        (_scheme, _host, _port) = (origin.Scheme, origin.Host, origin.Port);
        (_userInfo, UserName, _password) = (userInfo, userName, password);
    }

    public string UserName { get; }

    /// <summary>The parameter of an <c>Authorization: Basic</c> header: the name and password in UTF-8, in base 64.</summary>
    public string BasicParameter => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{UserName}:{_password}"));

    /// <summary>Whether <paramref name="url"/> is on the origin the credentials were given for.</summary>
    public bool AreFor(Uri url)
        => url.IsAbsoluteUri && url.Port == _port
           && string.Equals(url.Scheme, _scheme, StringComparison.OrdinalIgnoreCase)
           && string.Equals(url.Host, _host, StringComparison.OrdinalIgnoreCase);

    /// <summary><paramref name="shown"/>, an address without user information, with these credentials as given.</summary>
    internal Uri AddTo(Uri shown)
        => new($"{shown.Scheme}://{_userInfo}@{shown.AbsoluteUri[(shown.Scheme.Length + 3)..]}");

    public override string ToString() => $"a user name and password for {_scheme}://{_host}:{_port}";
}
