using Npgsql;
using StripeWebhooks.Events;

namespace StripeWebhooks.Processing;

/// <summary>
/// An <see cref="IStripeEventHandler"/> that receives the event as Stripe.net's <see cref="Stripe.Event"/> and
/// <c>data.object</c> as <typeparamref name="TObject"/> (<c>Stripe.Subscription</c>, <c>Stripe.Invoice</c>,
/// <c>Stripe.Checkout.Session</c>, ...).
/// </summary>
/// <remarks>
/// The typed event is parsed when the first such handler of a delivery runs, once (see
/// <see cref="StripeEvent.ToStripeNetEvent"/>); handlers that read the raw JSON never pay for it. An event of
/// another API release than Stripe.net's, or whose object is not a <typeparamref name="TObject"/>, fails before
/// <see cref="HandleAsync(Stripe.Event, TObject, NpgsqlConnection, NpgsqlTransaction, CancellationToken)"/> runs:
/// rolled back, recorded in the failure ledger, retried by Stripe.
/// </remarks>
/// <typeparam name="TObject">The Stripe.net type of <c>data.object</c> for every type in <see cref="EventTypes"/>.</typeparam>
public abstract class StripeEventHandler<TObject> : IStripeEventHandler
    where TObject : class, Stripe.IHasObject
{
    /// <inheritdoc />
    public abstract IReadOnlyCollection<string> EventTypes { get; }

    /// <summary>Applies the event. Write only through <paramref name="connection"/> and <paramref name="transaction"/>; throw to roll everything back.</summary>
    protected abstract Task HandleAsync(Stripe.Event stripeEvent, TObject dataObject, NpgsqlConnection connection,
        NpgsqlTransaction transaction, CancellationToken cancellationToken);

    /// <inheritdoc />
    Task IStripeEventHandler.HandleAsync(StripeEvent stripeEvent, NpgsqlConnection connection, NpgsqlTransaction transaction,
        CancellationToken cancellationToken)
    {
        var typed = stripeEvent.ToStripeNetEvent();
        var dataObject = typed.Data?.Object as TObject
            ?? throw new InvalidOperationException(
                $"{GetType().Name} expects data.object of {stripeEvent.Type} to be {typeof(TObject).FullName}, but Stripe.net read "
                + $"{typed.Data?.Object?.GetType().FullName ?? "nothing"}: register it only for event types carrying that object.");
        return HandleAsync(typed, dataObject, connection, transaction, cancellationToken);
    }
}
