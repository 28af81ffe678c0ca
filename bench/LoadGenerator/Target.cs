using System.Net;

namespace StripeWebhooks.Bench;

/// <summary>The endpoint under load (loopback only), its signing secret and its database.</summary>
internal sealed record Target(Uri Url, IPEndPoint Endpoint, string Secret, string ConnectionString)
{
    public static Target Parse(Arguments arguments)
    {
        var url = new Uri(arguments.Required("url"));
        // The generator floods what it points at: only this machine's loopback is a fair target.
        if (!IPAddress.TryParse(url.Host, out var address) || !IPAddress.IsLoopback(address))
        {
            throw new ArgumentException($"--url must be a loopback address like http://127.0.0.1:7071/...; got {url.Host}.");
        }

        return new Target(url, new IPEndPoint(address, url.Port), arguments.Required("secret"), arguments.Required("connection-string"));
    }
}
