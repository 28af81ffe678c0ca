using System.Diagnostics;
using System.Reflection;
using Microsoft.Extensions.Hosting;
using StripeWebhooks.WebhookFunction;

namespace StripeWebhooks.Tests.Functions;

/// <summary>
/// Runs the function app's own <c>Program.cs</c> (its entry point) and keeps the host it builds, stopping it before
/// <c>RunAsync</c> connects to the Functions host. This is how <c>WebApplicationFactory</c> reaches a top-level
/// program: the hosting library announces every host it builds on the <c>Microsoft.Extensions.Hosting</c>
/// diagnostic listener.
/// </summary>
public static class ProgramHost
{
    private static readonly AsyncLocal<bool> Capturing = new();

    /// <summary>Builds the host exactly as <c>Program.cs</c> does, with <paramref name="settings"/> as command-line configuration.</summary>
    public static FunctionApp Build(IReadOnlyDictionary<string, string?> settings)
    {
        var args = settings.Select(p => $"--{p.Key.Replace("__", ":", StringComparison.Ordinal)}={p.Value}").ToArray();
        using var capture = new HostCapture();
        using var subscription = DiagnosticListener.AllListeners.Subscribe(capture);
        Capturing.Value = true;
        try
        {
            typeof(StripeWebhookFunctionApp).Assembly.EntryPoint!.Invoke(null, [args]);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is HostCaptured)
        {
            // Program.cs stopped at Build(), as intended.
        }
        finally
        {
            Capturing.Value = false;
        }

        return FunctionApp.Wrap(capture.Host ?? throw new InvalidOperationException("Program.cs built no host."));
    }

    private sealed class HostCaptured : Exception;

    private sealed class HostCapture : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private readonly List<IDisposable> _subscriptions = [];

        public IHost? Host { get; private set; }

        public void OnNext(DiagnosticListener value)
        {
            if (value.Name == "Microsoft.Extensions.Hosting")
            {
                _subscriptions.Add(value.Subscribe(this));
            }
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            // Other tests build hosts at the same time: only the one built on this call's flow is ours.
            if (Capturing.Value && value.Key == "HostBuilt" && value.Value is IHost host)
            {
                Host = host;
                throw new HostCaptured();
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void Dispose() => _subscriptions.ForEach(s => s.Dispose());
    }
}
