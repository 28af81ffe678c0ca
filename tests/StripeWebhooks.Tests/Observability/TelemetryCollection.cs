namespace StripeWebhooks.Tests.Observability;

/// <summary>
/// Tests that attach an OpenTelemetry provider. Its listener is process-wide: run alone, these see only their own
/// spans and measurements, and no other test pays for a listener it did not ask for.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "Telemetry";
}
