using StripeWebhooks.Tests.Support;
using static StripeWebhooks.Tests.Support.DatabaseValues;

namespace StripeWebhooks.Tests.Cli;

/// <summary><c>webhooks outbox</c> and <c>webhooks outbox rerun</c> as an operator runs them: the CLI process on a real Postgres.</summary>
public class OutboxCommandTests
{
    private const string MessageId = "evt_cli_poisoned:welcome_email.requested:user_cli";

    [Fact]
    public async Task Outbox_lists_a_poisoned_message_and_rerun_applies_it_once()
    {
        var connectionString = await TestDatabase.CreateAsync();
        var mailbox = Directory.CreateTempSubdirectory("welcome-mailbox-").FullName;
        try
        {
            var environment = ServeProcess.OutboxEnvironment(connectionString, mailbox);
            await using (var dataSource = Npgsql.NpgsqlDataSource.Create(connectionString))
            await using (var poison = dataSource.CreateCommand($"""
                INSERT INTO stripe_outbox (id, event_id, type, payload, dispatched_at, attempts, last_error, poisoned_at)
                VALUES ('{MessageId}', 'evt_cli_poisoned', 'welcome_email.requested',
                        jsonb_build_object('id', '{MessageId}', 'type', 'welcome_email.requested', 'eventId', 'evt_cli_poisoned',
                                           'eventCreated', 1700000000, 'userId', 'user_cli'),
                        now(), 5, 'smtp refused', now())
                """))
            {
                await poison.ExecuteNonQueryAsync();
            }

            var (listed, listing) = await ServeProcess.RunAsync(["outbox"], environment);
            Assert.Equal(0, listed);
            Assert.Contains($"{MessageId}\twelcome_email.requested\tevt_cli_poisoned\t5\t", listing, StringComparison.Ordinal);
            Assert.Contains("smtp refused", listing, StringComparison.Ordinal);

            var (rerun, rerunOutput) = await ServeProcess.RunAsync(["outbox", "rerun", MessageId], environment);
            Assert.Equal(0, rerun);
            Assert.Contains($"{MessageId}: applied; no longer poisoned", rerunOutput, StringComparison.Ordinal);
            Assert.Single(Directory.GetFiles(mailbox, "*.eml"));

            // Applied once: a second rerun finds the handler's receipt and sends nothing more.
            Assert.Equal(0, (await ServeProcess.RunAsync(["outbox", "rerun", MessageId], environment)).ExitCode);
            Assert.Single(Directory.GetFiles(mailbox, "*.eml"));
            Assert.Equal(1, await CountAsync(connectionString, $"SELECT count(*) FROM stripe_outbox_receipts WHERE message_id = '{MessageId}'"));
            Assert.Contains("no poisoned outbox messages", (await ServeProcess.RunAsync(["outbox"], environment)).Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(mailbox, recursive: true);
        }
    }
}
