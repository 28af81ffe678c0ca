using System.Net.Sockets;
using Azure;

namespace StripeWebhooks.Outbox;

/// <summary>
/// The "queue unavailable" warning of one background service: one line naming the likely cause, no stack trace (the
/// cause is always outside this process), and while the same cause persists at most one line every five minutes,
/// counting the failures in between. A recovery resets it, so the next outage is reported at once.
/// </summary>
internal sealed class OutboxQueueWarnings(TimeProvider time)
{
    private static readonly TimeSpan RepeatInterval = TimeSpan.FromMinutes(5);
    private readonly Lock _lock = new();
    private DateTimeOffset? _lastLogged;
    private string? _lastCause;
    private int _suppressed;

    /// <summary>
    /// Whether to log this failure, and how many of the same cause were not logged since the last line.
    /// </summary>
    public bool ShouldLog(string cause, out int suppressed)
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            if (_lastLogged is { } last && cause == _lastCause && now - last < RepeatInterval)
            {
                _suppressed++;
                suppressed = 0;
                return false;
            }

            suppressed = _suppressed;
            _suppressed = 0;
            _lastLogged = now;
            _lastCause = cause;
            return true;
        }
    }

    /// <summary>
    /// Logs this failure through <paramref name="first"/>, or through <paramref name="again"/> with the failures of the same
    /// cause not logged since, when <see cref="ShouldLog"/> says to.
    /// </summary>
    public void Report(string cause, Action first, Action<int> again)
    {
        if (!ShouldLog(cause, out var suppressed))
        {
            return;
        }

        if (suppressed == 0)
        {
            first();
        }
        else
        {
            again(suppressed);
        }
    }

    /// <summary>The queue answered again.</summary>
    public void Recovered()
    {
        lock (_lock)
        {
            _lastLogged = null;
            _lastCause = null;
            _suppressed = 0;
        }
    }

    /// <summary>The likely cause, in one line, from the storage client's exception (or the one it wraps).</summary>
    public static string Cause(Exception exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException ?? (ex as AggregateException)?.InnerExceptions.FirstOrDefault())
        {
            switch (ex)
            {
                case RequestFailedException failed when failed.Message.Contains("API version", StringComparison.OrdinalIgnoreCase)
                                                        && failed.Message.Contains("not supported", StringComparison.OrdinalIgnoreCase):
                    return $"the storage emulator refuses the storage client's API version ({failed.Status} {failed.ErrorCode}); " +
                           "start Azurite with --skipApiVersionCheck";
                case RequestFailedException { Status: 401 or 403 } failed:
                    return $"the storage account refused access ({failed.Status} {failed.ErrorCode}); the identity needs Storage Queue Data Contributor";
                case RequestFailedException failed:
                    return $"the storage account answered {failed.Status} {failed.ErrorCode}".TrimEnd();
                case SocketException socket:
                    return $"cannot connect to the queue service ({socket.SocketErrorCode}): is Azurite running, or AzureWebJobsStorage right?";
                case TimeoutException:
                    return "the queue service did not answer in time";
            }
        }

        var innermost = exception.GetBaseException();
        return innermost.Message.ReplaceLineEndings(" ").Trim();
    }
}
