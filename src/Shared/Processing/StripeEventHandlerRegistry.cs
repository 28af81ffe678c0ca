using System.Collections.Frozen;

namespace StripeWebhooks.Processing;

/// <summary>Looks up the handlers registered for an event type, in registration order.</summary>
public sealed class StripeEventHandlerRegistry
{
    private readonly FrozenDictionary<string, IStripeEventHandler[]> _byType;

    public StripeEventHandlerRegistry(IEnumerable<IStripeEventHandler> handlers)
    {
        _byType = handlers
            .SelectMany(handler => handler.EventTypes.Select(type => (type, handler)))
            .GroupBy(pair => pair.type, StringComparer.Ordinal)
            .ToFrozenDictionary(group => group.Key, group => group.Select(pair => pair.handler).ToArray(), StringComparer.Ordinal);
    }

    /// <summary>The handlers for <paramref name="eventType"/>; empty when the type is only acknowledged.</summary>
    public IReadOnlyList<IStripeEventHandler> For(string eventType) =>
        _byType.TryGetValue(eventType, out var handlers) ? handlers : [];
}
