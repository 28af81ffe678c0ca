using StripeWebhooks.Development;
using StripeWebhooks.WebhookFunction;

namespace StripeWebhooks.Tests.Functions;

/// <summary><see cref="HealthFunction"/> invoked in-process against a Postgres of its own, which the test stops.</summary>
public class HealthFunctionTests
{
    private static async Task<(int Status, System.Text.Json.JsonElement Body)> CheckAsync(FunctionApp app)
    {
        await using var invocation = HttpInvocation.Get(app, $"/{WebhookRoutes.Prefix}/{WebhookRoutes.Health}");
        var result = await invocation.Function<HealthFunction>().RunAsync(invocation.Request, CancellationToken.None);
        return await invocation.ExecuteAsync(result);
    }

    [Fact]
    public async Task Health_answers_200_while_postgres_runs_and_503_once_it_is_stopped()
    {
        // A server of its own: stopping the shared test server would fail every other test.
        var server = await LocalPostgresServer.StartAsync();
        try
        {
            using var app = FunctionApp.Build(FunctionSettings.For(server.ConnectionStringFor("postgres")));

            var up = await CheckAsync(app);
            await server.DisposeAsync();
            var down = await CheckAsync(app);

            Assert.Equal((200, "ok"), (up.Status, up.Body.GetProperty("status").GetString()));
            Assert.Equal(503, down.Status);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
