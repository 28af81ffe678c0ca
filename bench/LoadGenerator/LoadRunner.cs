using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace StripeWebhooks.Bench;

/// <summary>Sends deliveries over keep-alive connections, one thread and one request in flight on each.</summary>
/// <remarks>
/// The connections outlive a phase, as Stripe's do: a phase never pays for new connections (whose first
/// requests run code the warm-up has not made hot).
/// </remarks>
internal static class LoadRunner
{
    /// <summary>Opens the connections all phases share.</summary>
    public static RawHttpConnection[] Connect(IPEndPoint endpoint, int concurrency) =>
        [.. Enumerable.Range(0, concurrency).Select(_ => RawHttpConnection.Connect(endpoint))];

    /// <summary>Sends every delivery of a pre-built array (the main scenario: all signed before the clock starts).</summary>
    public static LoadResult Run(RawHttpConnection[] connections, IReadOnlyList<Delivery> deliveries)
    {
        var next = -1;
        return Run(connections, () =>
        {
            var index = Interlocked.Increment(ref next);
            return index < deliveries.Count ? deliveries[index] : null;
        });
    }

    /// <summary>Sends deliveries built just ahead of the senders (warm-ups: no need to hold them all in memory).</summary>
    public static LoadResult Stream(RawHttpConnection[] connections, IEnumerable<Delivery> deliveries) =>
        RunWhile(connections, deliveries, int.MaxValue, Task.CompletedTask);

    /// <summary>
    /// Sends deliveries built by a producer thread just ahead of the senders, until <paramref name="stop"/>
    /// completes and at least <paramref name="minimum"/> were sent: for phases whose length is not known up front.
    /// </summary>
    public static LoadResult RunWhile(RawHttpConnection[] connections, IEnumerable<Delivery> deliveries, int minimum, Task stop)
    {
        using var queue = new BlockingCollection<Delivery>(4 * connections.Length);
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
        var result = Run(connections, () =>
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

    private static LoadResult Run(RawHttpConnection[] connections, Func<Delivery?> next)
    {
        var concurrency = connections.Length;
        var perWorker = new List<Sample>[concurrency];
        var eventNumbers = new List<long>[concurrency];
        string? firstError = null;
        Exception? failure = null;
        var pausedBefore = GC.GetTotalPauseDuration();
        var started = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, concurrency).Select(w => new Thread(() =>
        {
            // Room for a long phase up front: a list that grows while the clock runs triggers full collections.
            var samples = perWorker[w] = new List<Sample>(1 << 16);
            var numbers = eventNumbers[w] = new List<long>(1 << 16);
            var connection = connections[w];
            try
            {
                while (next() is { } delivery)
                {
                    var start = Stopwatch.GetTimestamp();
                    var response = connection.Send(delivery.Request);
                    var elapsed = Stopwatch.GetTimestamp() - start;
                    var status = response.Status;
                    var duplicate = status == 200 && response.Body.Span.IndexOf("\"duplicate\":true"u8) >= 0;
                    samples.Add(new Sample(start, elapsed, status, duplicate, delivery.Redelivery));
                    if (!delivery.Redelivery)
                    {
                        numbers.Add(delivery.EventNumber);
                    }

                    if (status != 200)
                    {
                        Interlocked.CompareExchange(ref firstError, response.ToString(), null);
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

        return new LoadResult([.. perWorker.SelectMany(s => s)], started, ended, [.. eventNumbers.SelectMany(s => s)], firstError)
        {
            GeneratorGcPause = GC.GetTotalPauseDuration() - pausedBefore,
        };
    }
}
