using Azure.Core;
using Azure.Identity;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace StripeWebhooks.Outbox;

/// <summary>
/// The outbox queue and its poison queue (<c>{name}-poison</c>, where the Functions host moves a message after its
/// last allowed delivery), on the account <c>AzureWebJobsStorage</c> names, the way the Functions host reads it: a
/// connection string (Azurite: <c>UseDevelopmentStorage=true</c>), or keyless with <c>AzureWebJobsStorage__queueServiceUri</c>
/// (or <c>__accountName</c>), <c>__credential=managedidentity</c> and <c>__clientId</c>.
/// </summary>
internal sealed class OutboxQueues
{
    private volatile bool _created;

    private OutboxQueues(QueueClient queue, QueueClient poison)
    {
        Queue = queue;
        Poison = poison;
    }

    public QueueClient Queue { get; }

    public QueueClient Poison { get; }

    /// <summary>True when <paramref name="configuration"/> names a storage account for the queue.</summary>
    public static bool IsConfigured(IConfiguration configuration) =>
        !string.IsNullOrEmpty(configuration[OutboxOptions.StorageConnectionName])
        || !string.IsNullOrEmpty(configuration[$"{OutboxOptions.StorageConnectionName}:queueServiceUri"])
        || !string.IsNullOrEmpty(configuration[$"{OutboxOptions.StorageConnectionName}:accountName"]);

    public static OutboxQueues Create(IConfiguration configuration, IOptions<OutboxOptions> options)
    {
        var name = options.Value.QueueName;
        // Base64, as the Functions queue trigger decodes by default (plain text would land every message in -poison).
        // Few retries, short timeouts: a queue that is down is the sweep's business, not a reason to hold a batch.
        var clientOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        clientOptions.Retry.MaxRetries = 2;
        clientOptions.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        var section = OutboxOptions.StorageConnectionName;
        if (configuration[section] is { Length: > 0 } connectionString)
        {
            return new OutboxQueues(new QueueClient(connectionString, name, clientOptions), new QueueClient(connectionString, name + "-poison", clientOptions));
        }

        var serviceUri = configuration[$"{section}:queueServiceUri"] is { Length: > 0 } uri
            ? new Uri(uri)
            : new Uri($"https://{configuration[$"{section}:accountName"]}.queue.core.windows.net");
        TokenCredential credential = configuration[$"{section}:credential"] == "managedidentity"
            ? new ManagedIdentityCredential(configuration[$"{section}:clientId"] is { Length: > 0 } clientId ? ManagedIdentityId.FromUserAssignedClientId(clientId) : ManagedIdentityId.SystemAssigned)
            : new DefaultAzureCredential();
        var service = new QueueServiceClient(serviceUri, credential, clientOptions);
        return new OutboxQueues(service.GetQueueClient(name), service.GetQueueClient(name + "-poison"));
    }

    /// <summary>The queue answered 404 (deleted, or a storage emulator restarted empty): create it again next time.</summary>
    public void Forget() => _created = false;

    /// <summary>Creates both queues, until that has worked once in this process (or since <see cref="Forget"/>).</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        if (_created)
        {
            return;
        }

        await Task.WhenAll(Queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            Poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken));
        _created = true;
    }
}
