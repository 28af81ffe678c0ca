using Npgsql;
using StripeWebhooks.Persistence;
using StripeWebhooks.Tests.Support;

namespace StripeWebhooks.Tests.Persistence;

public class WebhookDataSourceFactoryTests
{
    [Fact]
    public void Pooled_connections_are_prepared_and_not_reset_unless_the_connection_string_says_so()
    {
        var defaults = new NpgsqlConnectionStringBuilder(WebhookDataSourceFactory.Create("Host=localhost;Username=u").ConnectionString);
        var chosen = new NpgsqlConnectionStringBuilder(
            WebhookDataSourceFactory.Create("Host=localhost;Username=u;No Reset On Close=false;Max Auto Prepare=0").ConnectionString);

        Assert.True(defaults.NoResetOnClose);
        Assert.Equal(64, defaults.MaxAutoPrepare);
        Assert.False(chosen.NoResetOnClose);
        Assert.Equal(0, chosen.MaxAutoPrepare);
    }

    [Fact]
    public async Task A_transaction_setting_does_not_outlive_its_transaction_on_a_pooled_connection()
    {
        await using var dataSource = WebhookDataSourceFactory.Create(await TestDatabase.CreateAsync() + ";Maximum Pool Size=1");
        await using (var connection = await dataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await using var set = new NpgsqlCommand("SELECT set_config('lock_timeout', '1234', true)", connection, transaction);
            await set.ExecuteNonQueryAsync();
            await transaction.CommitAsync();
        }

        await using var reused = await dataSource.OpenConnectionAsync();
        await using var show = new NpgsqlCommand("SELECT current_setting('lock_timeout')", reused);
        Assert.Equal("0", await show.ExecuteScalarAsync());
    }
}
