using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using StripeWebhooks.Events;
using StripeWebhooks.Observability;
using StripeWebhooks.Persistence;
using StripeWebhooks.Processing;
using StripeWebhooks.Signatures;

namespace StripeWebhooks.Http;

/// <summary>
/// <c>POST /api/stripe/webhook</c>: read the bounded body, verify the signature, parse the envelope,
/// process exactly once, and answer per docs/architecture.md's HTTP contract. Both hosts call this.
/// </summary>
internal sealed partial class StripeWebhookEndpoint(
    StripeSignatureVerifier verifier,
    StripeEventProcessor processor,
    NpgsqlDataSource dataSource,
    WebhookMetrics metrics,
    IOptions<WebhookOptions> options,
    ILogger<StripeWebhookEndpoint> logger)
{
    /// <summary>Header Stripe signs every delivery with.</summary>
    public const string SignatureHeader = "Stripe-Signature";

    private readonly int _maxBodyBytes = options.Value.MaxBodyBytes;

    /// <summary>Handles one delivery.</summary>
    /// <remarks>
    /// No exception leaves it while someone waits for the answer: a failure nobody anticipated answers the usual
    /// JSON 500 and, once the event is known, is written to the failure ledger (see #24). An aborted request's
    /// cancellation goes on to the host, which expects it.
    /// </remarks>
    public async Task<IResult> HandleAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        // Current for the rest of the delivery, so Npgsql's command spans are its children.
        using var activity = WebhookTracing.StartDelivery();
        // Outside the catch below: a client's broken or cut-off body is the host's to answer (400), not a failure of ours.
        // Disposed when the method returns, after the catch: the ledger keeps the payload, which lives in this buffer.
        using var body = await RequestBody.ReadAsync(request, _maxBodyBytes, cancellationToken);
        StripeEvent? stripeEvent = null;
        try
        {
            if (body.TooLarge)
            {
                return Reject(activity, StatusCodes.Status413PayloadTooLarge, "payload_too_large", $"Body is larger than {_maxBodyBytes} bytes.");
            }

            var headers = request.Headers[SignatureHeader];
            if (headers.Count > 1)
            {
                return Reject(activity, StatusCodes.Status400BadRequest, "malformed_signature", "More than one Stripe-Signature header.");
            }

            var verification = verifier.Verify(headers.Count == 0 ? default : headers[0].AsSpan(), body.Bytes.Span);
            if (!verification.IsValid)
            {
                return RejectSignature(activity, verification.Failure);
            }

            metrics.SecretMatched(verification.SecretIndex);
            WebhookTracing.Verified(activity, verification.SecretIndex);

            if (!StripeEventParser.TryParse(body.Bytes, out stripeEvent, out var parseError))
            {
                return Reject(activity, StatusCodes.Status400BadRequest, "malformed_event", $"Body is not a Stripe event: {parseError}.");
            }

            WebhookTracing.Parsed(activity, stripeEvent);
            var result = await processor.ProcessAsync(stripeEvent, cancellationToken);
            return Answer(activity, stripeEvent, result, verification.SecretIndex, started);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return await AnswerUnexpectedAsync(activity, stripeEvent, ex, cancellationToken);
        }
    }

    private IResult Answer(Activity? activity, StripeEvent stripeEvent, ProcessingResult result, int secretIndex, long started)
    {
        metrics.Delivery(result.Outcome);
        WebhookTracing.Completed(activity, result);
        var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        LogDelivery(logger, stripeEvent.Id, stripeEvent.Type, result.Outcome, secretIndex, elapsedMs);
        return result.Outcome switch
        {
            ProcessingOutcome.Processed => WebhookResponses.Accepted(stripeEvent.Id, duplicate: false),
            // Parked: 200 so Stripe stops retrying, saying so; the ledger keeps the payload for `webhooks replay`.
            ProcessingOutcome.FailedPermanent => WebhookResponses.Parked(stripeEvent.Id),
            ProcessingOutcome.Duplicate => WebhookResponses.Accepted(stripeEvent.Id, duplicate: true),
            // 200 so Stripe stops: the endpoint is not meant to apply this mode's events (Stripe__Livemode).
            ProcessingOutcome.IgnoredLivemode => WebhookResponses.Accepted(stripeEvent.Id, duplicate: false, ignored: "livemode"),
            ProcessingOutcome.InFlight => WebhookResponses.Error(StatusCodes.Status409Conflict, "event_in_flight",
                "Another delivery of this event is still being processed; retry later.", stripeEvent.Id),
            ProcessingOutcome.Failed => WebhookResponses.Error(StatusCodes.Status500InternalServerError, "processing_failed",
                $"Processing failed (attempt {result.Attempts}); nothing was applied and Stripe will retry.", stripeEvent.Id),
            _ => WebhookResponses.Error(StatusCodes.Status503ServiceUnavailable, "database_unavailable",
                "The database is unavailable; nothing was applied and Stripe will retry.", stripeEvent.Id),
        };
    }

    /// <summary>A bug, here or in a handler, that the processor's own failure path did not settle: 500, and the ledger row when the event is known.</summary>
    private async Task<IResult> AnswerUnexpectedAsync(Activity? activity, StripeEvent? stripeEvent, Exception error, CancellationToken cancellationToken)
    {
        LogUnexpected(logger, error, stripeEvent?.Id);
        var attempts = 0;
        if (stripeEvent is not null)
        {
            try
            {
                attempts = await FailureLedger.RecordUnexpectedFailureAsync(dataSource, stripeEvent, FailureLedger.DescribeSafely(error), cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                LogUnexpectedNotRecorded(logger, ex, stripeEvent.Id);
            }
        }

        var result = new ProcessingResult(ProcessingOutcome.Failed, attempts);
        metrics.Delivery(result.Outcome);
        WebhookTracing.Completed(activity, result);
        return WebhookResponses.Error(StatusCodes.Status500InternalServerError, "processing_failed",
            "Processing failed unexpectedly; Stripe will retry.", stripeEvent?.Id);
    }

    private IResult RejectSignature(Activity? activity, SignatureFailure failure) => failure switch
    {
        SignatureFailure.MissingSignature => Reject(activity, StatusCodes.Status400BadRequest, "missing_signature", "No Stripe-Signature header."),
        SignatureFailure.MalformedSignature => Reject(activity, StatusCodes.Status400BadRequest, "malformed_signature", "Stripe-Signature needs t=<unix seconds> and at least one v1=<hex>."),
        SignatureFailure.TimestampOutOfTolerance => Reject(activity, StatusCodes.Status400BadRequest, "timestamp_out_of_tolerance", "Signature timestamp is outside the tolerance."),
        _ => Reject(activity, StatusCodes.Status400BadRequest, "invalid_signature", "No v1 signature matches a configured signing secret."),
    };

    private IResult Reject(Activity? activity, int statusCode, string error, string message)
    {
        metrics.Rejected(error);
        WebhookTracing.Rejected(activity, error);
        LogRejected(logger, error, statusCode);
        return WebhookResponses.Error(statusCode, error, message);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery of {EventId} ({EventType}): {Outcome}, secret #{SecretIndex}, {ElapsedMs:F1} ms")]
    private static partial void LogDelivery(ILogger logger, string eventId, string eventType, ProcessingOutcome outcome, int secretIndex, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected failure handling the delivery of {EventId}; answered 500")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string? eventId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not record the unexpected failure of {EventId} in the failure ledger")]
    private static partial void LogUnexpectedNotRecorded(ILogger logger, Exception exception, string eventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected delivery: {Error} ({StatusCode})")]
    private static partial void LogRejected(ILogger logger, string error, int statusCode);
}
