using System.Net.Http.Headers;
using StripeWebhooks.Http;

namespace StripeWebhooks.Tests.Support;

/// <summary>A delivery as Stripe makes it over HTTP: the body POSTed as JSON, signed at the moment it is sent.</summary>
public static class SignedDelivery
{
    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string url, byte[] body, string secret = WebhookTestServer.Secret,
        CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation(StripeWebhookEndpoint.SignatureHeader,
            StripeSigner.Header(DateTimeOffset.UtcNow.ToUnixTimeSeconds(), body, secret));
        return await client.SendAsync(request, cancellationToken);
    }

    /// <summary>True when the delivery got a 2xx; false for any other answer, or when nothing listens at <paramref name="url"/>.</summary>
    public static async Task<bool> TryAsync(HttpClient client, string url, byte[] body, CancellationToken cancellationToken = default)
    {
        try
        {
            using var response = await PostAsync(client, url, body, cancellationToken: cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false; // the client's timeout: serve was killed mid-request
        }
    }
}
