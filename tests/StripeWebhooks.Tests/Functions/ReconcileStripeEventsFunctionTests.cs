using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StripeWebhooks.Tests.Billing;
using StripeWebhooks.Tests.Reconciliation;
using StripeWebhooks.Tests.Support;
using StripeWebhooks.WebhookFunction;

namespace StripeWebhooks.Tests.Functions;

/// <summary><see cref="ReconcileStripeEventsFunction"/> through the worker host's activator, against a real Postgres and the local Events API.</summary>
public sealed class ReconcileStripeEventsFunctionTests
{
    [Fact]
    public async Task Timer_run_applies_what_was_never_delivered_and_records_the_run()
    {
        await using var api = await StripeEventsApiServer.StartAsync();
        var connectionString = await TestDatabase.CreateAsync();
        var now = DateTimeOffset.UtcNow;
        api.Add([
            BillingEvents.CheckoutCompleted("evt_timer_1", now.AddMinutes(-50).ToUnixTimeSeconds(), clientReferenceId: "user_timer"),
            BillingEvents.Subscription("customer.subscription.created", "evt_timer_2", now.AddMinutes(-49).ToUnixTimeSeconds(), BillingEvents.Legacy),
        ]);
        var settings = FunctionSettings.For(connectionString);
        foreach (var (key, value) in api.Settings())
        {
            settings[key] = value;
        }

        using var app = FunctionApp.Build(settings);
        app.ValidateAsAtStart();
        await using var scope = app.Services.CreateAsyncScope();
        var timer = new TimerInfo { IsPastDue = false, ScheduleStatus = new ScheduleStatus { Next = DateTime.UtcNow.AddMinutes(15) } };

        await app.Activate<ReconcileStripeEventsFunction>(scope.ServiceProvider).RunAsync(timer, CancellationToken.None);

        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand("""
            SELECT (SELECT count(*) FROM processed_stripe_events),
                   (SELECT tier FROM entitlements WHERE user_id = 'user_timer'),
                   (SELECT applied FROM stripe_reconcile_runs WHERE succeeded)
            """);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        // No run before and no claim: the first run reaches back the overlap (an hour).
        Assert.Equal((2L, "pro", 2), (reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2)));
    }

    [Fact]
    public void The_timer_runs_on_ReconcileSchedule_and_not_at_start_up()
    {
        var method = typeof(ReconcileStripeEventsFunction).GetMethod(nameof(ReconcileStripeEventsFunction.RunAsync))!;
        Assert.Equal("ReconcileStripeEvents", method.GetCustomAttribute<FunctionAttribute>()!.Name);
        var trigger = method.GetParameters()[0].GetCustomAttribute<TimerTriggerAttribute>()!;
        Assert.Equal("%ReconcileSchedule%", trigger.Schedule);
        Assert.False(trigger.RunOnStartup);
    }
}
