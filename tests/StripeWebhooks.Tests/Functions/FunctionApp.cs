using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StripeWebhooks.WebhookFunction;

namespace StripeWebhooks.Tests.Functions;

/// <summary>
/// The function app's worker host, built in-process the way <c>Program.cs</c> builds it
/// (<c>FunctionsApplication.CreateBuilder</c> + <see cref="StripeWebhookFunctionApp.AddStripeWebhookFunctions"/>),
/// with function classes created by the worker's own <see cref="IFunctionActivator"/>.
/// </summary>
/// <remarks>
/// The host is built but not started: starting it would connect to the Functions host over gRPC, which cannot run
/// here. Start-up validation is exercised by <see cref="StartAsync"/>, which fails before that connection when a
/// setting is invalid.
/// </remarks>
public sealed class FunctionApp : IDisposable
{
    private FunctionApp(IHost host) => Host = host;

    public IHost Host { get; }

    public IServiceProvider Services => Host.Services;

    /// <summary>Builds the host over <paramref name="settings"/>, keyed as app settings (<c>__</c> nests).</summary>
    public static FunctionApp Build(IReadOnlyDictionary<string, string?> settings)
    {
        var builder = FunctionsApplication.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(
            settings.Select(p => KeyValuePair.Create(p.Key.Replace("__", ":", StringComparison.Ordinal), p.Value)));
        builder.AddStripeWebhookFunctions();
        return new FunctionApp(builder.Build());
    }

    /// <summary>Wraps a host built elsewhere (by <c>Program.cs</c> itself, see <see cref="ProgramHost"/>).</summary>
    public static FunctionApp Wrap(IHost host) => new(host);

    /// <summary>Runs every <c>ValidateOnStart</c> check, as <c>StartAsync</c> does first; throws <c>OptionsValidationException</c>.</summary>
    public void ValidateAsAtStart() => Services.GetRequiredService<IStartupValidator>().Validate();

    /// <summary>Creates <typeparamref name="TFunction"/> as the worker does for an invocation: through its activator, from the invocation's services.</summary>
    public TFunction Activate<TFunction>(IServiceProvider invocationServices)
        where TFunction : class
    {
        var activator = Services.GetRequiredService<IFunctionActivator>();
        return (TFunction)activator.CreateInstance(typeof(TFunction), new InvocationContext(invocationServices))!;
    }

    public void Dispose() => Host.Dispose();
}
