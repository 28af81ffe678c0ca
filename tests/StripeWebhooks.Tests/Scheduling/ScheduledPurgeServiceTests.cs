using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StripeWebhooks.Persistence;
using StripeWebhooks.Scheduling;
using StripeWebhooks.Tests.Support;

namespace StripeWebhooks.Tests.Scheduling;

public class ScheduledPurgeServiceTests
{
    // Task.Delay refuses a wait longer than ~49 days; a yearly schedule must still wait, not fault the service
    // (a faulted BackgroundService stops the host).
    [Fact]
    public async Task A_schedule_months_away_waits_instead_of_faulting()
    {
        var connectionString = await TestDatabase.CreateAsync();
        await using var services = PipelineServices.Create(connectionString);
        var clock = new ManualClock(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero));
        using var service = new ScheduledPurgeService(services.GetRequiredService<RetentionPurger>(),
            Options.Create(new PurgeScheduleOptions { Schedule = "0 0 0 1 1 *" }), clock, NullLogger<ScheduledPurgeService>.Instance);

        await service.StartAsync(CancellationToken.None);
        // ExecuteAsync starts in the background; a refused wait faults it at once, a wait keeps it running.
        await Task.WhenAny(service.ExecuteTask!, Task.Delay(TimeSpan.FromSeconds(1)));

        Assert.False(service.ExecuteTask!.IsCompleted, service.ExecuteTask.Exception?.ToString());
        await service.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_schedule_with_no_future_run_ends_the_service_without_faulting_it()
    {
        var connectionString = await TestDatabase.CreateAsync();
        await using var services = PipelineServices.Create(connectionString);
        var clock = new ManualClock(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero));
        using var service = new ScheduledPurgeService(services.GetRequiredService<RetentionPurger>(),
            Options.Create(new PurgeScheduleOptions { Schedule = "0 0 0 30 2 *" }), clock, NullLogger<ScheduledPurgeService>.Instance);

        await service.StartAsync(CancellationToken.None);
        await service.ExecuteTask!;

        Assert.True(service.ExecuteTask.IsCompletedSuccessfully);
        await service.StopAsync(CancellationToken.None);
    }
}
