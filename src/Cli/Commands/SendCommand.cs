using System.CommandLine;
using System.Net.Http.Headers;
using System.Text;
using StripeWebhooks.Development;
using StripeWebhooks.Http;

namespace StripeWebhooks.Cli.Commands;

/// <summary>
/// <c>webhooks send</c>: builds (or reads) an event, signs it the way Stripe does and POSTs it; a local
/// stand-in for <c>stripe trigger</c>.
/// </summary>
internal static class SendCommand
{
    public static Command Create()
    {
        var secret = new Option<string?>("--secret") { Description = "Signing secret (default: Stripe__WebhookSecrets__0)." };
        var url = new Option<string>("--url")
        {
            Description = "Endpoint to POST to.",
            DefaultValueFactory = _ => $"{ServeCommand.DefaultUrls}/{WebhookRoutes.Prefix}/{WebhookRoutes.StripeWebhook}",
        };
        var type = new Option<string>("--type") { Description = "Event type to build.", DefaultValueFactory = _ => "customer.subscription.updated" };
        var id = new Option<string?>("--id") { Description = "Event id (default: a new evt_...)." };
        var times = new Option<int>("--times") { Description = "How many times to deliver the same event.", DefaultValueFactory = _ => 1 };
        var file = new Option<FileInfo?>("--file") { Description = "Send this JSON file's exact bytes instead of a built event." };
        var command = new Command("send", "Sign an event like Stripe and POST it (a local stand-in for `stripe trigger`).")
        {
            secret, url, type, id, times, file,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var signingSecret = parseResult.GetValue(secret) ?? Environment.GetEnvironmentVariable("Stripe__WebhookSecrets__0");
            if (string.IsNullOrEmpty(signingSecret))
            {
                await Console.Error.WriteLineAsync("error: give --secret whsec_... (or set Stripe__WebhookSecrets__0).");
                return 2;
            }

            var count = parseResult.GetValue(times);
            if (count < 1)
            {
                await Console.Error.WriteLineAsync("error: --times must be at least 1.");
                return 2;
            }

            var body = parseResult.GetValue(file) is { } path
                ? await File.ReadAllBytesAsync(path.FullName, cancellationToken)
                : SampleEvents.ToBytes(SampleEvents.Build(parseResult.GetValue(type)!, parseResult.GetValue(id)));
            return await SendAsync(parseResult.GetValue(url)!, signingSecret, body, count, cancellationToken);
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
            // Stripe signs each delivery afresh, with that attempt's timestamp; signed by Stripe.net, an independent signer.
            var header = Stripe.EventUtility.GenerateSignatureHeader(payload, secret, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            request.Headers.TryAddWithoutValidation(StripeWebhookEndpoint.SignatureHeader, header);
            try
            {
                using var response = await http.SendAsync(request, cancellationToken);
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                Console.WriteLine($"{(int)response.StatusCode} {text}");
                failures += response.IsSuccessStatusCode ? 0 : 1;
            }
            catch (HttpRequestException ex)
            {
                await Console.Error.WriteLineAsync($"error: {url}: {ex.Message}");
                return 1;
            }
        }

        return failures == 0 ? 0 : 1;
    }
}
