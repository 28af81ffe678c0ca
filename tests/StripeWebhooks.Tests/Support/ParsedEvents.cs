using StripeWebhooks.Development;
using StripeWebhooks.Events;

namespace StripeWebhooks.Tests.Support;

/// <summary>Sample events already through <see cref="StripeEventParser"/>, for tests that call the processor directly.</summary>
public static class ParsedEvents
{
    /// <summary>A <see cref="SampleEvents"/> event of <paramref name="type"/> (a new id unless given), parsed; asserts it parses.</summary>
    public static StripeEvent Parse(string type = "test.unhandled", string? id = null)
    {
        var body = SampleEvents.ToBytes(SampleEvents.Build(type, id));
        Assert.True(StripeEventParser.TryParse(body, out var parsed, out _));
        return parsed;
    }
}
