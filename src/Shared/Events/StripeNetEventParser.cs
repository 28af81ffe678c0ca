using System.Text;

namespace StripeWebhooks.Events;

/// <summary>Turns a verified event into Stripe.net's typed <see cref="Stripe.Event"/>, refusing other API releases.</summary>
internal static class StripeNetEventParser
{
    public static Stripe.Event Parse(StripeEvent stripeEvent)
    {
        var expected = Stripe.StripeConfiguration.ApiVersion;
        if (stripeEvent.ApiVersion is not { } actual || !Stripe.EventUtility.IsCompatibleApiVersion(expected, actual))
        {
            throw new StripeApiVersionMismatchException(stripeEvent.Id, stripeEvent.ApiVersion, expected);
        }

        // The envelope parser has already checked the bytes are valid UTF-8. The version was checked above, with
        // an error that names the fix; Stripe.net's own check would say the same less helpfully.
        return Stripe.EventUtility.ParseEvent(Encoding.UTF8.GetString(stripeEvent.Payload.Span), throwOnApiVersionMismatch: false);
    }
}
