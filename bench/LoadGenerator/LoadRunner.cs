using System.Diagnostics;
using System.Net;
using System.Threading.Channels;

namespace StripeWebhooks.Bench;

/// <summary>Sends deliveries over <c>concurrency</c> keep-alive connections, one request in flight on each.</summary>
internal static class LoadRunner
{
    /// <summary>Sends every delivery of a pre-built array (the main scenario: all signed before the clock starts).</summary>
    public static Task<LoadResult> RunAsync(IPEndPoint endpoint, IReadOnlyList<Delivery> deliveries, int concurrency, CancellationToken cancellationToken)
    {
        var next = -1;
        return RunAsync(endpoint, concurrency, () =>
        {
            var index = Interlocked.Increment(ref next);
            return ValueTask.FromResult(index < deliveries.Count ? deliveries[index] : null);
        }, cancellationToken);
    }

    /// <summary>
    /// Sends deliveries built by a producer thread just ahead of the senders, until <paramref name="stop"/>
    /// completes and at least <paramref name="minimum"/> were sent: for phases whose length is not known up front.
    /// </summary>
    public static async Task<LoadResult> RunWhileAsync(IPEndPoint endpoint, IEnumerable<Delivery> deliveries, int concurrency, int minimum, Task stop, CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<Delivery>(new BoundedChannelOptions(4 * concurrency) { SingleWriter = true });
        using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sent = 0;
        var producer = Task.Run(async () =>
        {
            try
            {
                foreach (var delivery in deliveries)
                {
                    if (Volatile.Read(ref sent) >= minimum && stop.IsCompleted)
                    {
                        break;
                    }

                    await channel.Writer.WriteAsync(delivery, done.Token);
                }
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                channel.Writer.Complete();
            }
        }, cancellationToken);

        var result = await RunAsync(endpoint, concurrency, async () =>
        {
            if (!await channel.Reader.WaitToReadAsync(cancellationToken) || !channel.Reader.TryRead(out var delivery))
            {
                return null;
            }

            Interlocked.Increment(ref sent);
            return delivery;
        }, cancellationToken);
        await done.CancelAsync();
        await producer;
        return result;
    }

    private static async Task<LoadResult> RunAsync(IPEndPoint endpoint, int concurrency, Func<ValueTask<Delivery?>> next, CancellationToken cancellationToken)
    {
        var connections = new RawHttpConnection[concurrency];
        for (var i = 0; i < concurrency; i++)
        {
            connections[i] = await RawHttpConnection.ConnectAsync(endpoint, cancellationToken);
        }

        var perWorker = new List<Sample>[concurrency];
        var eventIds = new List<string>[concurrency];
        string? firstError = null;
        var started = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var samples = perWorker[w] = new List<Sample>(4096);
            var ids = eventIds[w] = new List<string>(4096);
            using var connection = connections[w];
            while (await next() is { } delivery)
            {
                var start = Stopwatch.GetTimestamp();
                var (status, body) = await connection.SendAsync(delivery.Request, cancellationToken);
                var elapsed = Stopwatch.GetTimestamp() - start;
                var duplicate = status == 200 && body.Contains("\"duplicate\":true", StringComparison.Ordinal);
                samples.Add(new Sample(start, elapsed, status, duplicate, delivery.Redelivery));
                if (!delivery.Redelivery)
                {
                    ids.Add(delivery.EventId);
                }

                if (status != 200)
                {
                    Interlocked.CompareExchange(ref firstError, $"{status} {body}", null);
                }
            }
        }, cancellationToken)).ToArray();
        await Task.WhenAll(workers);
        var ended = Stopwatch.GetTimestamp();
        return new LoadResult([.. perWorker.SelectMany(s => s)], started, ended, [.. eventIds.SelectMany(s => s)], firstError);
    }
}
