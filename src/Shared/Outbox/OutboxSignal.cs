using System.Threading.Channels;

namespace StripeWebhooks.Outbox;

/// <summary>Wakes the dispatcher when a commit wrote outbox messages; many wake-ups before it runs count as one.</summary>
internal sealed class OutboxSignal
{
    private readonly Channel<bool> _pending = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    /// <summary>Says that messages were committed; never blocks.</summary>
    public void Notify() => _pending.Writer.TryWrite(true);

    /// <summary>Waits for <see cref="Notify"/> or <paramref name="timeout"/>; true when notified.</summary>
    internal async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_pending.Reader.TryRead(out _))
        {
            return true;
        }

        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        try
        {
            await _pending.Reader.WaitToReadAsync(timer.Token);
            return _pending.Reader.TryRead(out _);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
