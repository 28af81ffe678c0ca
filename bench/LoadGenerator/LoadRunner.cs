using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace StripeWebhooks.Bench;

/// <summary>Sends deliveries over <c>concurrency</c> keep-alive connections, one thread and one request in flight on each.</summary>
internal static class LoadRunner
{
    /// <summary>Sends every delivery of a pre-built array (the main scenario: all signed before the clock starts).</summary>
    public static LoadResult Run(IPEndPoint endpoint, IReadOnlyList<Delivery> deliveries, int concurrency)
    {
        var next = -1;
        return Run(endpoint, concurrency, () =>
        {
            var index = Interlocked.Increment(ref next);
            return index < deliveries.Count ? deliveries[index] : null;
        });
    }

    /// <summary>Sends deliveries built just ahead of the senders (warm-ups: no need to hold them all in memory).</summary>
    public static LoadResult Stream(IPEndPoint endpoint, IEnumerable<Delivery> deliveries, int concurrency) =>
        RunWhile(endpoint, deliveries, concurrency, int.MaxValue, Task.CompletedTask);

    /// <summary>
    /// Sends deliveries built by a producer thread just ahead of the senders, until <paramref name="stop"/>
    /// completes and at least <paramref name="minimum"/> were sent: for phases whose length is not known up front.
    /// </summary>
    public static LoadResult RunWhile(IPEndPoint endpoint, IEnumerable<Delivery> deliveries, int concurrency, int minimum, Task stop)
    {
        using var queue = new BlockingCollection<Delivery>(4 * concurrency);
        var sent = 0;
        var producer = new Thread(() =>
        {
            try
            {
                foreach (var delivery in deliveries)
                {
                    if (Volatile.Read(ref sent) >= minimum && stop.IsCompleted)
                    {
                        break;
                    }

                    queue.Add(delivery);
                }
            }
            finally
            {
                queue.CompleteAdding();
            }
        }) { IsBackground = true, Name = "deliveries" };
        producer.Start();
        var result = Run(endpoint, concurrency, () =>
        {
            if (!queue.TryTake(out var delivery, Timeout.Infinite))
            {
                return null;
            }

            Interlocked.Increment(ref sent);
            return delivery;
        });
        // Let a producer blocked on a full queue see the end.
        while (queue.TryTake(out _))
        {
        }

        producer.Join();
        return result;
    }

    private static LoadResult Run(IPEndPoint endpoint, int concurrency, Func<Delivery?> next)
    {
        var connections = Enumerable.Range(0, concurrency).Select(_ => RawHttpConnection.Connect(endpoint)).ToArray();
        var perWorker = new List<Sample>[concurrency];
        var eventIds = new List<string>[concurrency];
        string? firstError = null;
        Exception? failure = null;
        var started = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, concurrency).Select(w => new Thread(() =>
        {
            var samples = perWorker[w] = new List<Sample>(4096);
            var ids = eventIds[w] = new List<string>(4096);
            using var connection = connections[w];
            try
            {
                while (next() is { } delivery)
                {
                    var start = Stopwatch.GetTimestamp();
                    var (status, body) = connection.Send(delivery.Request);
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
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or InvalidDataException)
            {
                Interlocked.CompareExchange(ref failure, ex, null);
            }
        }) { IsBackground = true, Name = $"connection {w}" }).ToArray();
        foreach (var worker in workers)
        {
            worker.Start();
        }

        foreach (var worker in workers)
        {
            worker.Join();
        }

        var ended = Stopwatch.GetTimestamp();
        if (failure is not null)
        {
            throw new IOException($"A connection failed: {failure.Message}", failure);
        }

        return new LoadResult([.. perWorker.SelectMany(s => s)], started, ended, [.. eventIds.SelectMany(s => s)], firstError);
    }
}
