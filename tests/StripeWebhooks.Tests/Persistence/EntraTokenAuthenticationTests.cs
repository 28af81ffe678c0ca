using Azure.Core;
using Npgsql;
using StripeWebhooks.Persistence;
using Xunit;

namespace StripeWebhooks.Tests.Persistence;

// The token endpoint is an outside service, so a recording credential stands in for it; nothing
// here reaches Azure (the real DefaultAzureCredential is constructed but never asked for a token).
public sealed class EntraTokenAuthenticationTests
{
    const string Passwordless = "Host=psql-example.postgres.database.azure.com;Database=webhooks;Username=id-webhooks;Ssl Mode=VerifyFull";

    [Fact]
    public void Flag_off_keeps_password_authentication()
    {
        Assert.False(EntraTokenAuthentication.ShouldUseEntraAuth(Passwordless, useEntraAuth: false));
        Assert.False(EntraTokenAuthentication.ShouldUseEntraAuth(
            "Host=localhost;Database=webhooks;Username=webhooks;Password=local-dev", useEntraAuth: false));
    }

    [Fact]
    public void Flag_on_without_password_uses_entra_tokens()
    {
        Assert.True(EntraTokenAuthentication.ShouldUseEntraAuth(Passwordless, useEntraAuth: true));
    }

    [Fact]
    public void Flag_on_with_a_password_is_rejected_naming_the_setting_and_not_the_password()
    {
        var error = Assert.Throws<InvalidOperationException>(() => EntraTokenAuthentication.ShouldUseEntraAuth(
            "Host=localhost;Database=webhooks;Username=webhooks;Password=do-not-print-me", useEntraAuth: true));

        Assert.Contains("Postgres__UseEntraAuth", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("do-not-print-me", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Data_source_requests_tokens_for_the_azure_postgres_audience()
    {
        var credential = new RecordingCredential();
        var builder = new NpgsqlDataSourceBuilder(Passwordless);

        EntraTokenAuthentication.Configure(builder, credential);
        await using var dataSource = builder.Build();

        // Npgsql fetches the first token as soon as the data source exists, off the connection-open path.
        var request = await credential.FirstRequest.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(["https://ossrdbms-aad.database.windows.net/.default"], request.Scopes);
    }

    [Fact]
    public async Task The_fetched_access_token_is_what_npgsql_sends_as_the_password()
    {
        var token = await EntraTokenAuthentication.FetchTokenAsync(new RecordingCredential(), CancellationToken.None);

        Assert.Equal(RecordingCredential.TokenValue, token);
    }

    [Fact]
    public async Task Token_fetch_stops_when_the_data_source_is_disposed()
    {
        using var disposed = new CancellationTokenSource();
        await disposed.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            async () => await EntraTokenAuthentication.FetchTokenAsync(new RecordingCredential(), disposed.Token));
    }

    [Fact]
    public void Tokens_are_refreshed_well_before_they_expire_and_failures_retried_sooner()
    {
        // Entra access tokens are valid for at least an hour.
        Assert.True(EntraTokenAuthentication.RefreshInterval <= TimeSpan.FromMinutes(30));
        Assert.True(EntraTokenAuthentication.RetryInterval < EntraTokenAuthentication.RefreshInterval);
        Assert.True(EntraTokenAuthentication.FetchTimeout < EntraTokenAuthentication.RefreshInterval);
    }

    [Fact]
    public void Entra_sign_in_without_a_username_fails_at_start_up_naming_the_setting()
    {
        var builder = new NpgsqlDataSourceBuilder("Host=psql-example.postgres.database.azure.com;Database=webhooks");

        var error = Assert.Throws<InvalidOperationException>(
            () => EntraTokenAuthentication.Configure(builder, new RecordingCredential()));

        Assert.Contains("ConnectionStrings__Webhooks", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("00000000-0000-0000-0000-000000000001")]
    public void Configuring_with_or_without_a_managed_identity_client_id_needs_no_azure(string? clientId)
    {
        var builder = new NpgsqlDataSourceBuilder(Passwordless);

        // Only configures; no data source is built, so no token is requested and nothing leaves the machine.
        EntraTokenAuthentication.Configure(builder, clientId);

        Assert.NotNull(EntraTokenAuthentication.CreateCredential(clientId));
    }

    sealed class RecordingCredential : TokenCredential
    {
        public const string TokenValue = "entra-access-token";

        readonly TaskCompletionSource<TokenRequestContext> _firstRequest =
            new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<TokenRequestContext> FirstRequest => _firstRequest.Task;

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
            => GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _firstRequest.TrySetResult(requestContext);
            return new(new AccessToken(TokenValue, DateTimeOffset.UtcNow.AddHours(1)));
        }
    }
}
