using System.Text.Json.Nodes;
using StripeWebhooks.Development;
using StripeWebhooks.Events;

namespace StripeWebhooks.Tests.Support;

/// <summary>Sample events already through <see cref="StripeEventParser"/>, for tests that call the processor directly.</summary>
public static class ParsedEvents
{
    /// <summary>A <see cref="SampleEvents"/> event of <paramref name="type"/> (a new id unless given), parsed; asserts it parses.</summary>
    public static StripeEvent Parse(string type = "test.unhandled", string? id = null) => Parse(SampleEvents.Build(type, id));

    /// <summary>An event <see cref="SampleEvents.Build"/> made, parsed; asserts it parses.</summary>
    public static StripeEvent Parse(JsonObject built)
    {
        Assert.True(StripeEventParser.TryParse(SampleEvents.ToBytes(built), out var parsed, out var error), error);
        return parsed;
    }
}
