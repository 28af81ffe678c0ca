using Npgsql;
using StripeWebhooks.Events;
using StripeWebhooks.Outbox;
using StripeWebhooks.Tests.Support;

namespace StripeWebhooks.Tests.Outbox;

public class StripeOutboxTests
{
    private static StripeEvent Event(string id) => ParsedEvents.Parse("checkout.session.completed", id);

    [Fact]
    public async Task Only_a_transaction_that_wrote_a_message_wakes_the_dispatcher()
    {
        await using var dataSource = NpgsqlDataSource.Create(await TestDatabase.CreateAsync());
        await using var connection = await dataSource.OpenConnectionAsync();

        await using (var writing = await connection.BeginTransactionAsync())
        {
            var id = await StripeOutbox.EnqueueAsync(connection, writing, Event("evt_1"), "welcome_email.requested", "user_1", null, CancellationToken.None);
            Assert.Equal("evt_1:welcome_email.requested:user_1", id);
            Assert.True(StripeOutbox.WroteIn(writing, Event("evt_1")));
            await writing.CommitAsync();
        }

        // The next transaction on the connection (Npgsql hands out the same object) processes another event.
        await using (var quiet = await connection.BeginTransactionAsync())
        {
            Assert.False(StripeOutbox.WroteIn(quiet, Event("evt_2")));
        }

        // The same event, producer and key again (a replay) writes nothing; another event in the same transaction does.
        await using (var again = await connection.BeginTransactionAsync())
        {
            await StripeOutbox.EnqueueAsync(connection, again, Event("evt_1"), "welcome_email.requested", "user_1", null, CancellationToken.None);
            Assert.False(StripeOutbox.WroteIn(again, Event("evt_3")));
            await StripeOutbox.EnqueueAsync(connection, again, Event("evt_3"), "welcome_email.requested", "user_1", null, CancellationToken.None);
            Assert.True(StripeOutbox.WroteIn(again, Event("evt_3")));
            await again.CommitAsync();
        }

        await using var count = dataSource.CreateCommand("SELECT count(*) FROM stripe_outbox");
        Assert.Equal(2L, await count.ExecuteScalarAsync());
    }
}
