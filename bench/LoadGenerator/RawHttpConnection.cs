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
/// thread per connection (fewer wake-ups than async completions), no allocation per response, no parsing
/// beyond status and framing. No pipelining: one request in flight per connection, so a response's end is
/// the buffer's end.
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

    /// <summary>Sends <paramref name="request"/> and reads the response; its body stays readable until the next call.</summary>
    public Response Send(byte[] request)
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

        var head = _buffer.AsSpan(0, headerEnd);
        if (head.Length < 12 || !Utf8Parser.TryParse(head.Slice(9, 3), out int status, out _))
        {
            throw new InvalidDataException("Malformed status line.");
        }

        var bodyStart = headerEnd + 4;
        if (Header(head, "content-length"u8) is { } contentLength && Utf8Parser.TryParse(contentLength, out int length, out _))
        {
            while (_length < bodyStart + length)
            {
                Receive();
            }

            return new Response(status, _buffer.AsMemory(bodyStart, length));
        }

        if (Header(head, "transfer-encoding"u8) is { } encoding && encoding.IndexOf("chunked"u8) >= 0)
        {
            return new Response(status, ReadChunked(bodyStart));
        }

        return new Response(status, default);
    }

    public void Dispose() => _socket.Dispose();

    /// <summary>Reads a chunked body and moves its data together, in place, after <paramref name="position"/>.</summary>
    private ReadOnlyMemory<byte> ReadChunked(int position)
    {
        var bodyStart = position;
        var bodyLength = 0;
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
                return _buffer.AsMemory(bodyStart, bodyLength);
            }

            _buffer.AsSpan(position, size).CopyTo(_buffer.AsSpan(bodyStart + bodyLength));
            bodyLength += size;
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

    private static ReadOnlySpan<byte> Header(ReadOnlySpan<byte> head, ReadOnlySpan<byte> name)
    {
        foreach (var range in head.Split("\r\n"u8))
        {
            var line = head[range];
            var colon = line.IndexOf((byte)':');
            if (colon > 0 && Ascii.EqualsIgnoreCase(line[..colon].Trim((byte)' '), name))
            {
                return line[(colon + 1)..].Trim((byte)' ');
            }
        }

        return default;
    }

    /// <summary>A response's status and body (a view into the connection's buffer).</summary>
    internal readonly record struct Response(int Status, ReadOnlyMemory<byte> Body)
    {
        public override string ToString() => $"{Status} {Encoding.UTF8.GetString(Body.Span)}";
    }
}
