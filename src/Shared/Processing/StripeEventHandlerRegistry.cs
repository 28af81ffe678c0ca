using System.Collections.Frozen;

namespace StripeWebhooks.Processing;

/// <summary>Looks up the handlers registered for an event type, in registration order.</summary>
internal sealed class StripeEventHandlerRegistry
{
    private readonly FrozenDictionary<string, EventTypeHandlers> _byType;

    public StripeEventHandlerRegistry(IEnumerable<IStripeEventHandler> handlers)
    {
        _byType = handlers
            .SelectMany(handler => handler.EventTypes.Select(type => (type, handler)))
            .GroupBy(pair => pair.type, StringComparer.Ordinal)
            .ToFrozenDictionary(group => group.Key, group => EventTypeHandlers.Of([.. group.Select(pair => pair.handler)]), StringComparer.Ordinal);
    }

    /// <summary>The handlers for <paramref name="eventType"/>; empty when the type is only acknowledged.</summary>
    public IReadOnlyList<IStripeEventHandler> For(string eventType) => Lookup(eventType).All;

    /// <summary>The handlers for <paramref name="eventType"/>, and the same as writers when every one of them is.</summary>
    internal EventTypeHandlers Lookup(string eventType) =>
        _byType.TryGetValue(eventType, out var handlers) ? handlers : EventTypeHandlers.None;
}

/// <summary>One event type's handlers, worked out once at start-up.</summary>
/// <param name="All">Every handler, in registration order.</param>
/// <param name="Writers">The same handlers when all are <see cref="IStripeEventWriter"/>s; otherwise null.</param>
internal sealed record EventTypeHandlers(IStripeEventHandler[] All, IStripeEventWriter[]? Writers)
{
    public static readonly EventTypeHandlers None = new([], null);

    public static EventTypeHandlers Of(IStripeEventHandler[] handlers) =>
        new(handlers, handlers.All(handler => handler is IStripeEventWriter) ? [.. handlers.Cast<IStripeEventWriter>()] : null);
}
