using System.Collections.Frozen;

namespace StripeWebhooks.Processing;

/// <summary>Looks up the handlers registered for an event type, in registration order.</summary>
public sealed class StripeEventHandlerRegistry
{
    private readonly FrozenDictionary<string, IStripeEventHandler[]> _byType;
    private readonly FrozenSet<string> _writersOnly;

    public StripeEventHandlerRegistry(IEnumerable<IStripeEventHandler> handlers)
    {
        _byType = handlers
            .SelectMany(handler => handler.EventTypes.Select(type => (type, handler)))
            .GroupBy(pair => pair.type, StringComparer.Ordinal)
            .ToFrozenDictionary(group => group.Key, group => group.Select(pair => pair.handler).ToArray(), StringComparer.Ordinal);
        _writersOnly = _byType.Where(pair => pair.Value.All(handler => handler is IStripeEventWriter))
            .Select(pair => pair.Key).ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>The handlers for <paramref name="eventType"/>; empty when the type is only acknowledged.</summary>
    public IReadOnlyList<IStripeEventHandler> For(string eventType) =>
        _byType.TryGetValue(eventType, out var handlers) ? handlers : [];

    /// <summary>True when every handler of <paramref name="eventType"/> is an <see cref="IStripeEventWriter"/> (and there is one).</summary>
    internal bool OnlyWriters(string eventType) => _writersOnly.Contains(eventType);
}
