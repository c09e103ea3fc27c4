using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FeedHub.Tests.Support;

/// <summary>
/// A real HTTP/1.1 server on a loopback port, written on a raw socket so tests can also misbehave like hostile
/// servers do (drip bytes, lie about sizes, send compression bombs). One request per connection.
/// </summary>
public sealed class LocalHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Func<HttpRequestInfo, Stream, CancellationToken, Task> _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _disposed;

    public LocalHttpServer(Func<HttpRequestInfo, Stream, CancellationToken, Task> handler, IPAddress? address = null)
    {
        _handler = handler;
        _listener = new TcpListener(address ?? IPAddress.Loopback, 0);
        _listener.Start();
        var endpoint = (IPEndPoint)_listener.LocalEndpoint;
        BaseUri = new Uri($"http://{(endpoint.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{endpoint.Address}]" : endpoint.Address.ToString())}:{endpoint.Port}/");
        _accepting = AcceptAsync();
    }

    public Uri BaseUri { get; }

    public ConcurrentQueue<HttpRequestInfo> Requests { get; } = new();

    public Uri Url(string path) => new(BaseUri, path);

    /// <summary>A server answering from a map of paths to responses; unknown paths get 404.</summary>
    public static LocalHttpServer Serving(Func<HttpRequestInfo, HttpReply?> route, IPAddress? address = null)
        => new((request, stream, token) => (route(request) ?? HttpReply.Text(404, "not found")).WriteAsync(stream, token), address);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var request = await ReadRequestAsync(stream, _stop.Token);
                if (request is null)
                {
                    return;
                }

                Requests.Enqueue(request);
                await _handler(request, stream, _stop.Token);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client went away (for example after hitting its size or time limit): nothing to do.
            }
        }
    }

    private static async Task<HttpRequestInfo?> ReadRequestAsync(Stream stream, CancellationToken token)
    {
        var buffer = new byte[16 * 1024];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length), token);
            if (read == 0)
            {
                return null;
            }

            length += read;
            var text = Encoding.ASCII.GetString(buffer, 0, length);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end < 0)
            {
                continue;
            }

            var lines = text[..end].Split("\r\n");
            var requestLine = lines[0].Split(' ');
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var line in lines.Skip(1))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0)
                {
                    headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
                }
            }

            return new HttpRequestInfo(requestLine[0], requestLine[1], headers);
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}

public sealed record HttpRequestInfo(string Method, string Path, IReadOnlyDictionary<string, string> Headers)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>A response the test server writes: status, headers, body, optionally dripped slowly.</summary>
public sealed record HttpReply(int Status, byte[] Body, IReadOnlyList<(string Name, string Value)> Headers)
{
    public TimeSpan DripDelay { get; init; }

    public bool OmitContentLength { get; init; }

    public static HttpReply Text(int status, string body, string contentType = "text/plain; charset=utf-8", params (string, string)[] headers)
        => new(status, Encoding.UTF8.GetBytes(body), [("Content-Type", contentType), .. headers]);

    public static HttpReply Bytes(int status, byte[] body, string contentType, params (string, string)[] headers)
        => new(status, body, [("Content-Type", contentType), .. headers]);

    public static HttpReply Redirect(int status, string location) => new(status, [], [("Location", location)]);

    public async Task WriteAsync(Stream stream, CancellationToken token)
    {
        var head = new StringBuilder();
        head.Append("HTTP/1.1 ").Append(Status).Append(' ').Append(Reason(Status)).Append("\r\n");
        foreach (var (name, value) in Headers)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        if (!OmitContentLength)
        {
            head.Append("Content-Length: ").Append(Body.Length).Append("\r\n");
        }

        head.Append("Connection: close\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), token);
        if (DripDelay > TimeSpan.Zero)
        {
            foreach (var b in Body)
            {
                await stream.WriteAsync(new[] { b }, token);
                await stream.FlushAsync(token);
                await Task.Delay(DripDelay, token);
            }
        }
        else
        {
            await stream.WriteAsync(Body, token);
        }

        await stream.FlushAsync(token);
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        404 => "Not Found",
        410 => "Gone",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    };
}
