using System.Net;
using System.Net.Http.Headers;
using System.Text;
using StripeWebhooks.Development;
using StripeWebhooks.Events;
using StripeWebhooks.Http;
using StripeWebhooks.Tests.Support;
using Xunit.Abstractions;

namespace StripeWebhooks.Tests.Http;

/// <summary>
/// Ten thousand generated hostile requests: none may get a 5xx, none may write a row, and the server must
/// keep answering. Seeded, so a failure reproduces.
/// </summary>
public class HostileInputTests(ITestOutputHelper output)
{
    private const int Requests = 10_000;
    private const int Concurrency = 8;

    [Fact]
    public async Task A_body_the_client_breaks_is_answered_400_by_the_host_not_500()
    {
        await using var server = await WebhookTestServer.StartAsync();
        var address = server.Client.BaseAddress!;
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        var stream = tcp.GetStream();
        // A chunked body whose second chunk size is not hex: Kestrel's read of the body fails mid-way.
        var request = $"POST /{WebhookRoutes.Prefix}/{WebhookRoutes.StripeWebhook} HTTP/1.1\r\nHost: {address.Host}\r\n" +
                      "Content-Type: application/json\r\nStripe-Signature: t=1,v1=00\r\nTransfer-Encoding: chunked\r\n\r\n" +
                      "5\r\n{\"id\"\r\nzz\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));

        using var reader = new StreamReader(stream, Encoding.ASCII);
        var statusLine = await reader.ReadLineAsync();

        Assert.StartsWith("HTTP/1.1 400", statusLine, StringComparison.Ordinal);
        Assert.Equal(0L, await server.ScalarAsync<long>("SELECT count(*) FROM stripe_event_failures"));
        using var health = await server.Client.GetAsync($"/{WebhookRoutes.Prefix}/{WebhookRoutes.Health}");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Ten_thousand_hostile_requests_get_no_5xx_write_nothing_and_the_server_keeps_answering()
    {
        await using var server = await WebhookTestServer.StartAsync();
        using var client = new HttpClient(new SocketsHttpHandler
        {
            // Let non-ASCII header values reach the server instead of failing in the client.
            RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8,
        })
        { BaseAddress = server.Client.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

        var validEvent = SampleEvents.ToBytes(SampleEvents.Build("customer.subscription.updated", "evt_hostile_template"));
        var statuses = new int[600];
        var next = -1;
        var workers = Enumerable.Range(0, Concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < Requests)
            {
                var random = new Random(i);
                using var request = Generate(random, server, validEvent);
                try
                {
                    using var response = await client.SendAsync(request);
                    Interlocked.Increment(ref statuses[(int)response.StatusCode]);
                }
                catch (HttpRequestException)
                {
                    // The server may close a connection on a request it refuses outright (e.g. 2 MB unread): that is not a 5xx.
                    Interlocked.Increment(ref statuses[0]);
                }
            }
        });
        await Task.WhenAll(workers);

        var fiveHundreds = statuses.Skip(500).Sum();
        output.WriteLine("hostile: " + string.Join(", ", statuses.Select((count, status) => (count, status)).Where(p => p.count > 0)
            .Select(p => p.status == 0 ? $"connection closed x{p.count}" : $"{p.status} x{p.count}")));
        Assert.True(fiveHundreds == 0, $"{fiveHundreds} responses were 5xx");
        Assert.Equal(Requests, statuses.Sum());
        Assert.Equal(0L, await server.CountAllRowsAsync());
        Assert.True(statuses[400] > Requests / 2, $"only {statuses[400]} answered 400");

        using var health = await server.Client.GetAsync("/api/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var genuine = await server.PostSignedAsync(SampleEvents.Build("customer.created", "evt_after_the_storm"));
        Assert.Equal(HttpStatusCode.OK, genuine.StatusCode);
    }

    private static HttpRequestMessage Generate(Random random, WebhookTestServer server, byte[] validEvent)
    {
        var now = server.Clock.Now.ToUnixTimeSeconds();
        var body = Body(random, validEvent);
        if (StripeEventParser.TryParse(body, out _, out _))
        {
            // A mutation can leave a well-formed event; signed, it would rightly be processed. Keep it hostile.
            body = body[..(body.Length / 2)];
        }

        var method = random.Next(20) switch
        {
            0 => HttpMethod.Get,
            1 => HttpMethod.Put,
            2 => HttpMethod.Delete,
            3 => HttpMethod.Patch,
            _ => HttpMethod.Post,
        };
        var request = new HttpRequestMessage(method, random.Next(50) == 0 ? "/api/stripe/webhook/../webhook?x=%00" : "/api/stripe/webhook");
        if (method != HttpMethod.Get && method != HttpMethod.Delete)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = random.Next(6) switch
            {
                0 => null,
                1 => new MediaTypeHeaderValue("text/plain"),
                2 => new MediaTypeHeaderValue("application/x-www-form-urlencoded"),
                3 => new MediaTypeHeaderValue("multipart/form-data"),
                _ => new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" },
            };
        }

        foreach (var header in SignatureHeaders(random, now, body, validEvent))
        {
            request.Headers.TryAddWithoutValidation(StripeWebhookEndpoint.SignatureHeader, header);
        }

        return request;
    }

    private static byte[] Body(Random random, byte[] validEvent) => random.Next(10) switch
    {
        0 => [],
        1 => validEvent[..random.Next(validEvent.Length)],
        2 => RandomBytes(random, random.Next(1, 4096)),
        3 => Encoding.UTF8.GetBytes("""{"id":"evt_""" + new string('[', 5000) + new string(']', 5000) + "}"),
        4 => random.Next(50) == 0 ? new byte[2 * 1024 * 1024] : Mutate(random, validEvent),
        5 => [0xC3, 0x28, 0xA0, 0xA1, 0xE2, 0x28, 0xA1, 0xF0, 0x90, 0x28, 0xBC],
        6 => Encoding.UTF8.GetBytes("""{"id":"evt_x","type":"customer.created","data":{"object":{"emoji":"\uD83D"}}}"""),
        _ => Mutate(random, validEvent),
    };

    private static IEnumerable<string> SignatureHeaders(Random random, long now, byte[] body, byte[] validEvent)
    {
        string Valid(long t, byte[] signed) => StripeSigner.Header(t, signed, WebhookTestServer.Secret);
        switch (random.Next(14))
        {
            case 0: yield break;
            case 1: yield return ""; break;
            case 2: yield return Valid(now, body); yield return Valid(now, body); break;
            case 3: yield return "t=" + now + ",v1=" + new string('a', 16 * 1024); break;
            case 4: yield return "t=" + now + ",v1=ünïcödé✓"; break;
            case 5: yield return "t=" + now + ",v1="; break;
            case 6: yield return "t=" + now + ",v0=" + StripeSigner.V1(WebhookTestServer.Secret, now, body); break;
            case 7: yield return Valid(now + 301, body); break;
            case 8: yield return Valid(now - 86_400, body); break;
            case 9: yield return Valid(now, validEvent).Replace("v1=", "v1=" + (char)('0' + random.Next(10)), StringComparison.Ordinal); break;
            // Correctly signed, but the body is hostile: it must be refused as malformed (or too large), never stored.
            case 10: yield return Valid(now, body); break;
            case 11: yield return Encoding.Latin1.GetString(RandomBytes(random, random.Next(1, 200))).Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal); break;
            case 12: yield return "t=" + long.MaxValue + "9,v1=" + StripeSigner.V1(WebhookTestServer.Secret, now, body); break;
            default: yield return Valid(now, body) + ",v1=" + new string('f', 64); break;
        }
    }

    private static byte[] Mutate(Random random, byte[] source)
    {
        var copy = (byte[])source.Clone();
        for (var n = random.Next(1, 8); n > 0; n--)
        {
            copy[random.Next(copy.Length)] = (byte)random.Next(256);
        }

        return copy;
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
