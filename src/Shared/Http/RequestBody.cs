using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace StripeWebhooks.Http;

/// <summary>A request body read into a pooled buffer, never past the configured limit.</summary>
internal sealed class RequestBody : IDisposable
{
    private const int InitialBufferSize = 16 * 1024;

    private byte[] _buffer;

    private RequestBody(byte[] buffer, int length, bool tooLarge)
    {
        _buffer = buffer;
        Length = length;
        TooLarge = tooLarge;
    }

    /// <summary>The bytes read (empty when <see cref="TooLarge"/>).</summary>
    public ReadOnlyMemory<byte> Bytes => TooLarge ? default : _buffer.AsMemory(0, Length);

    public int Length { get; }

    /// <summary>True when the body is larger than the limit; reading stopped at the limit.</summary>
    public bool TooLarge { get; }

    /// <summary>Reads at most <paramref name="maxBytes"/> bytes; a declared or actual larger body is refused early.</summary>
    public static async Task<RequestBody> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return new RequestBody([], 0, tooLarge: true);
        }

        var size = request.ContentLength is { } declared ? (int)declared + 1 : Math.Min(InitialBufferSize, maxBytes + 1);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(size, 1));
        var length = 0;
        try
        {
            while (true)
            {
                // Full but within the limit (a read past the limit ends the loop below): grow.
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, maxBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > maxBytes)
                {
                    break;
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }

        return new RequestBody(buffer, length, tooLarge: length > maxBytes);
    }

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }
}
