using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StripeWebhooks.Reconciliation;
using StripeWebhooks.Tests.Billing;

namespace StripeWebhooks.Tests.Reconciliation;

/// <summary><c>webhooks serve</c>'s background reconciliation on <c>ReconcileSchedule</c>.</summary>
public sealed class ScheduledReconcileServiceTests
{
    [Fact]
    public async Task On_its_schedule_the_service_reconciles()
    {
        await using var harness = await ReconcileHarness.StartAsync();
        harness.Api.Add([BillingEvents.Subscription("customer.subscription.updated", "evt_scheduled", DateTimeOffset.UtcNow.AddMinutes(-30).ToUnixTimeSeconds())]);
        using var service = new ScheduledReconcileService(harness.Reconciler, Options.Create(new ReconcileOptions { Schedule = "* * * * * *" }),
            TimeProvider.System, NullLogger<ScheduledReconcileService>.Instance);

        await service.StartAsync(CancellationToken.None);
        for (var i = 0; i < 300 && await harness.CountAsync("SELECT count(*) FROM stripe_reconcile_runs WHERE succeeded") == 0; i++)
        {
            await Task.Delay(100);
        }

        await service.StopAsync(CancellationToken.None);
        Assert.Equal(1, await harness.CountAsync("SELECT count(*) FROM processed_stripe_events WHERE event_id = 'evt_scheduled'"));
        Assert.False(service.ExecuteTask!.IsFaulted, service.ExecuteTask.Exception?.ToString());
    }

    [Fact]
    public async Task Without_a_key_the_service_ends_at_once_and_runs_nothing()
    {
        await using var harness = await ReconcileHarness.StartAsync(apiKey: null);
        using var service = new ScheduledReconcileService(harness.Reconciler, Options.Create(new ReconcileOptions { Schedule = "* * * * * *" }),
            TimeProvider.System, NullLogger<ScheduledReconcileService>.Instance);

        await service.StartAsync(CancellationToken.None);
        await service.ExecuteTask!;

        Assert.True(service.ExecuteTask.IsCompletedSuccessfully);
        Assert.Equal(0, harness.Api.Requests);
        Assert.Equal(0, await harness.CountAsync("SELECT count(*) FROM stripe_reconcile_runs"));
    }
}
