using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;

namespace StripeWebhooks.Cli.Commands;

/// <summary>
/// <c>serve --urls</c> addresses someone else already holds: found before a private Postgres is started for nothing,
/// and, should another process take one in between, Kestrel's bind failure said as one line.
/// </summary>
internal static partial class ListenAddresses
{
    /// <summary>Starts the host; a listen address someone else holds is an ordinary mistake, reported as one line.</summary>
    public static async Task StartAsync(WebApplication app, string urls, CancellationToken cancellationToken)
    {
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException ex) when (ex.InnerException is AddressInUseException)
        {
            var busy = BusyAddress().Match(ex.Message) is { Success: true } match ? match.Groups[1].Value : urls.Split(';')[0];
            throw new CliException($"{Authority(busy)} is in use; pass --urls", ExitCodes.Failed, ex);
        }
    }

    /// <summary>The first of <paramref name="urls"/> whose loopback or wildcard port another process holds (<c>host:port</c>).</summary>
    public static string? FindBusy(string urls)
    {
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var address = BindingAddress.Parse(url);
            var ip = address.Host switch
            {
                "localhost" => IPAddress.Loopback,
                "*" or "+" => IPAddress.Any,
                _ => IPAddress.TryParse(address.Host.Trim('[', ']'), out var parsed) ? parsed : null,
            };
            if (ip is null || address.Port == 0)
            {
                continue;
            }

            try
            {
                using var socket = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(ip, address.Port));
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                return $"{address.Host}:{address.Port}";
            }
            catch (SocketException)
            {
                // Not ours to judge (e.g. an address this machine does not have): Kestrel will say.
            }
        }

        return null;
    }

    [GeneratedRegex(@"Failed to bind to address (\S+?):? address already in use", RegexOptions.CultureInvariant)]
    private static partial Regex BusyAddress();

    /// <summary>The <c>host:port</c> of a listen address, for messages.</summary>
    private static string Authority(string listenUrl)
    {
        var address = BindingAddress.Parse(listenUrl);
        return $"{address.Host}:{address.Port}";
    }
}
