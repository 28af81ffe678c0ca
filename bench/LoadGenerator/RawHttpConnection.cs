using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace StripeWebhooks.Bench;

/// <summary>
/// One HTTP/1.1 keep-alive connection on a plain socket: writes a pre-built request, reads one response.
/// </summary>
/// <remarks>
/// HttpClient would spend more CPU per request than the server's own work on a 2-core machine that also
/// runs Postgres; like pgbench, the load generator should cost as little as it can: blocking calls on one
/// thread per connection (fewer wake-ups than async completions), no parsing beyond status and framing.
/// No pipelining: one request in flight per connection, so a response's end is the buffer's end.
/// </remarks>
internal sealed class RawHttpConnection : IDisposable
{
    private readonly Socket _socket;
    private byte[] _buffer = new byte[8192];
    private int _length;

    private RawHttpConnection(Socket socket) => _socket = socket;

    public static RawHttpConnection Connect(IPEndPoint endpoint)
    {
        // A stuck server fails the run instead of hanging it.
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveTimeout = 60_000 };
        socket.Connect(endpoint);
        return new RawHttpConnection(socket);
    }

    /// <summary>Sends <paramref name="request"/> and returns the response's status and body.</summary>
    public (int Status, string Body) Send(byte[] request)
    {
        for (var sent = 0; sent < request.Length;)
        {
            sent += _socket.Send(request.AsSpan(sent), SocketFlags.None);
        }

        _length = 0;
        int headerEnd;
        while ((headerEnd = _buffer.AsSpan(0, _length).IndexOf("\r\n\r\n"u8)) < 0)
        {
            Receive();
        }

        var head = Encoding.ASCII.GetString(_buffer, 0, headerEnd);
        var status = int.Parse(head.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture);
        var bodyStart = headerEnd + 4;
        if (Header(head, "content-length") is { } contentLength)
        {
            var end = bodyStart + int.Parse(contentLength, System.Globalization.CultureInfo.InvariantCulture);
            while (_length < end)
            {
                Receive();
            }

            return (status, Encoding.UTF8.GetString(_buffer, bodyStart, end - bodyStart));
        }

        if (Header(head, "transfer-encoding") is { } encoding && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            return (status, ReadChunked(bodyStart));
        }

        return (status, "");
    }

    public void Dispose() => _socket.Dispose();

    private string ReadChunked(int position)
    {
        var body = new StringBuilder();
        while (true)
        {
            int lineEnd;
            while ((lineEnd = _buffer.AsSpan(position, _length - position).IndexOf("\r\n"u8)) < 0)
            {
                Receive();
            }

            if (!Utf8Parser.TryParse(_buffer.AsSpan(position, lineEnd), out int size, out _, 'x'))
            {
                throw new InvalidDataException("Malformed chunk size.");
            }

            position += lineEnd + 2;
            // A chunk's data and CRLF; the last (empty) chunk is followed by an empty trailer line.
            while (_length < position + size + 2)
            {
                Receive();
            }

            if (size == 0)
            {
                return body.ToString();
            }

            body.Append(Encoding.UTF8.GetString(_buffer, position, size));
            position += size + 2;
        }
    }

    private void Receive()
    {
        if (_length == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        var read = _socket.Receive(_buffer.AsSpan(_length), SocketFlags.None);
        if (read == 0)
        {
            throw new IOException("The server closed the connection.");
        }

        _length += read;
    }

    private static string? Header(string head, string name)
    {
        foreach (var line in head.Split("\r\n"))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line.AsSpan(0, colon).Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return line[(colon + 1)..].Trim();
            }
        }

        return null;
    }
}
