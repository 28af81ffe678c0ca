using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using StripeWebhooks.Outbox;

// Next to AddStripeWebhooks (which calls AddStripeOutbox), so hosts need no extra using.
namespace StripeWebhooks;

/// <summary>Registers the transactional outbox (docs/handlers.md, "Side effects outside the database").</summary>
public static class OutboxServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="OutboxOptions"/> (validated at start-up), the dispatcher and its background service, and the
    /// consumer. With <c>AzureWebJobsStorage</c> set, messages go to the queue <c>Outbox__QueueName</c>; without it
    /// they are consumed in-process from the table. Called by <see cref="ServiceCollectionExtensions.AddStripeWebhooks"/>.
    /// </summary>
    internal static IServiceCollection AddStripeOutbox(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OutboxOptions>().Bind(configuration.GetSection(OutboxOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OutboxOptions>, OutboxOptionsValidator>());
        services.TryAddSingleton<OutboxSignal>();
        services.TryAddSingleton<OutboxConsumer>();
        if (OutboxQueues.IsConfigured(configuration))
        {
            services.TryAddSingleton(provider => OutboxQueues.Create(configuration, provider.GetRequiredService<IOptions<OutboxOptions>>()));
            services.TryAddSingleton<IOutboxTransport, QueueOutboxTransport>();
        }
        else
        {
            services.TryAddSingleton<IOutboxTransport, InProcessOutboxTransport>();
        }

        services.TryAddSingleton(provider => new OutboxDispatcher(
            provider.GetRequiredService<NpgsqlDataSource>(),
            provider.GetRequiredService<IOutboxTransport>(),
            provider.GetRequiredService<IOptions<OutboxOptions>>(),
            provider.GetRequiredService<Observability.WebhookMetrics>(),
            provider.GetRequiredService<ILogger<OutboxDispatcher>>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, OutboxDispatchService>());
        services.TryAddSingleton<Operations.OutboxOperations>();
        return services;
    }

    /// <summary>
    /// <c>webhooks serve</c> only: consume the queue in this process, as the <c>ProcessOutboxMessage</c> function does
    /// on Azure. Does nothing without <c>AzureWebJobsStorage</c> (messages are then consumed in-process from the table).
    /// </summary>
    internal static IServiceCollection AddOutboxQueueListener(this IServiceCollection services, IConfiguration configuration)
    {
        if (OutboxQueues.IsConfigured(configuration))
        {
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, OutboxQueueListener>());
        }

        return services;
    }

    /// <summary>Adds an outbox consumer; it runs, once per message, for the message types it names.</summary>
    public static IServiceCollection AddOutboxMessageHandler<THandler>(this IServiceCollection services)
        where THandler : class, IOutboxMessageHandler
    {
        services.AddSingleton<IOutboxMessageHandler, THandler>();
        return services;
    }
}
