using System.CommandLine;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using StripeWebhooks.Billing;
using StripeWebhooks.Development;
using StripeWebhooks.Http;

namespace StripeWebhooks.Cli.Commands;

/// <summary>
/// <c>webhooks send</c>: builds (or reads) an event, signs it the way Stripe does and POSTs it; a local
/// stand-in for <c>stripe trigger</c>. Says what it sent (type, id, customer, subscription, user), then each reply.
/// </summary>
internal static class SendCommand
{
    private const string DefaultType = "customer.subscription.updated";

    public static Command Create()
    {
        var secret = new Option<string?>("--secret") { Description = "Signing secret (default: Stripe__WebhookSecrets__0)." };
        var url = new Option<string>("--url")
        {
            Description = "Endpoint to POST to.",
            DefaultValueFactory = _ => $"{ServeCommand.DefaultUrls}/{WebhookRoutes.Prefix}/{WebhookRoutes.StripeWebhook}",
        }.HttpUrl();
        var type = new Option<string>("--type")
        {
            Description = $"Event type to build, one of: {string.Join(", ", SampleEvents.Types)}.",
            DefaultValueFactory = _ => DefaultType,
            HelpName = "type",
        };
        type.AcceptOnlyFromAmong([.. SampleEvents.Types]);
        var id = new Option<string?>("--id") { Description = "Event id (default: a new evt_...)." };
        var price = new Option<string?>("--price")
        {
            Description = $"Price of the subscription (default: {SampleEvents.SamplePriceId}); one the receiver does not map makes a failing delivery.",
            HelpName = "price_...",
        };
        var times = new Option<int>("--times") { Description = "How many times to deliver the same event.", DefaultValueFactory = _ => 1 }.AtLeast(1);
        var file = new Option<FileInfo>("--file") { Description = "Send this JSON file's exact bytes instead of a built event (so no --id, --type or --price)." };
        file.AcceptExistingOnly();
        file.Validators.Add(result =>
        {
            // A directory passes AcceptExistingOnly, then fails to read as "access denied".
            if (result.Tokens.LastOrDefault()?.Value is { } path && Directory.Exists(path))
            {
                result.AddError($"--file {path} is a directory; give the JSON file of one event.");
            }
        });
        var command = new Command("send", "Sign an event like Stripe and POST it (a local stand-in for `stripe trigger`).")
        {
            secret, url, type, id, price, times, file,
        };
        command.Validators.Add(result =>
        {
            // The file is sent byte for byte (its signature covers those bytes): --id and --type cannot apply to it.
            if (result.GetResult(file) is not null && (result.GetResult(id) is not null || result.GetResult(type) is { Implicit: false } || result.GetResult(price) is not null))
            {
                result.AddError("--file sends the file's exact bytes, so --id, --type and --price cannot change it: edit the file, or drop --file.");
            }

            // The type as given (its own validator reports a wrong one); the default when not given.
            var typeName = result.GetResult(type)?.Tokens.LastOrDefault()?.Value ?? DefaultType;
            if (result.GetResult(price) is { } priceResult && result.GetResult(file) is null)
            {
                var priceId = priceResult.Tokens.LastOrDefault()?.Value ?? "";
                if (!typeName.StartsWith("customer.subscription.", StringComparison.Ordinal))
                {
                    result.AddError($"--price sets the price of a subscription: use it with --type customer.subscription.created or .updated, not {typeName}.");
                }
                else if (priceId.Length == 0 || priceId.Any(char.IsWhiteSpace))
                {
                    result.AddError($"--price '{priceId}' is not a Stripe price id (price_...).");
                }
            }
        });
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var signingSecret = parseResult.GetValue(secret) ?? Environment.GetEnvironmentVariable("Stripe__WebhookSecrets__0");
            if (string.IsNullOrEmpty(signingSecret))
            {
                throw new CliException("give --secret whsec_... (serve prints it), or set Stripe__WebhookSecrets__0.");
            }

            var body = parseResult.GetValue(file) is { } path
                ? await File.ReadAllBytesAsync(path.FullName, cancellationToken)
                : SampleEvents.ToBytes(SampleEvents.Build(parseResult.GetValue(type)!, parseResult.GetValue(id),
                    priceId: parseResult.GetValue(price) ?? SampleEvents.SamplePriceId));
            var userIdKey = Environment.GetEnvironmentVariable("Billing__UserIdMetadataKey") is { Length: > 0 } key ? key : BillingOptions.DefaultUserIdMetadataKey;
            Console.WriteLine(EventSummary.Describe(body, userIdKey));
            return await SendAsync(parseResult.GetValue(url)!, signingSecret, body, parseResult.GetValue(times), cancellationToken);
        });
        return command;
    }

    private static async Task<int> SendAsync(string url, string secret, byte[] body, int times, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var failures = 0;
        var payload = Encoding.UTF8.GetString(body);
        for (var i = 0; i < times; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            request.Headers.TryAddWithoutValidation(StripeWebhookEndpoint.SignatureHeader, Sign(payload, secret));
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException ex) when (ErrorReport.IsHostNotFound(ex))
            {
                throw new CliException($"{new Uri(url).Host} (in {url}) is not a host name this machine can resolve; check --url", ExitCodes.Failed, ex);
            }
            catch (HttpRequestException ex)
            {
                throw new CliException($"nothing answers at {url} ({ex.Message}); is `webhooks serve` running?", ExitCodes.Failed, ex);
            }
            catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new CliException($"{url} did not answer within {http.Timeout.TotalSeconds:0} s", ExitCodes.Failed, ex);
            }

            using (response)
            {
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                Console.WriteLine($"{(int)response.StatusCode} {(text.Length == 0 ? "(empty body)" : text)}");
                if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed)
                {
                    var uri = new Uri(url);
                    var what = response.StatusCode == HttpStatusCode.NotFound ? "nothing there takes webhooks" : "that route does not take POST";
                    throw new CliException(
                        $"{url} is not the webhook route: {what} (serve's is {uri.Scheme}://{uri.Authority}/{WebhookRoutes.Prefix}/{WebhookRoutes.StripeWebhook})",
                        ExitCodes.Failed);
                }

                failures += response.IsSuccessStatusCode ? 0 : 1;
            }
        }

        return failures == 0 ? ExitCodes.Success : ExitCodes.Failed;
    }

    /// <summary>
    /// The Stripe-Signature header for one delivery: Stripe signs each attempt afresh, with that attempt's timestamp;
    /// signed by Stripe.net, an independent signer.
    /// </summary>
    private static string Sign(string payload, string secret) =>
        Stripe.EventUtility.GenerateSignatureHeader(payload, secret, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
}
