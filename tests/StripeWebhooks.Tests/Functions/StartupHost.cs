using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace StripeWebhooks.Tests.Functions;

/// <summary>
/// A generic host with <see cref="ServiceCollectionExtensions.AddStripeWebhooks"/>: what the function app's
/// <c>FunctionsApplication.CreateBuilder</c> builds (it wraps a <see cref="HostApplicationBuilder"/>).
/// </summary>
public static class StartupHost
{
    /// <summary>Builds (does not start) a host over <paramref name="settings"/>, keyed as app settings (<c>__</c> nests).</summary>
    public static IHost Build(IReadOnlyDictionary<string, string> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(
            settings.Select(p => KeyValuePair.Create(p.Key.Replace("__", ":", StringComparison.Ordinal), (string?)p.Value)));
        builder.Services.AddStripeWebhooks(builder.Configuration);
        return builder.Build();
    }
}
