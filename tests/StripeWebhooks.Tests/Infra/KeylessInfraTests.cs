using StripeWebhooks.Tests.Support;
using System.Text.RegularExpressions;
using Xunit;

namespace StripeWebhooks.Tests.Infra;

// Security properties of the templates that a reviewer would otherwise have to re-check by eye on
// every change: nothing authenticates with a key or password, and the app's identity holds only
// the data-plane roles it needs.
public sealed partial class KeylessInfraTests
{
    static string Code(string relativePath) => BicepDocument.Load(RepositoryRoot.PathTo(relativePath)).Code;

    static string AllCode() => string.Join("\n", InfraFiles.BicepFiles().Select(f => BicepDocument.Load(f).Code));

    [Fact]
    public void Storage_refuses_shared_keys_and_anonymous_blobs()
    {
        var storage = Code("infra/app/storage.bicep");

        Assert.Contains("allowSharedKeyAccess: false", storage, StringComparison.Ordinal);
        Assert.Contains("allowBlobPublicAccess: false", storage, StringComparison.Ordinal);
    }

    [Fact]
    public void Postgres_accepts_only_entra_sign_in_over_tls()
    {
        var postgres = Code("infra/app/postgres.bicep");

        Assert.Contains("activeDirectoryAuth: 'Enabled'", postgres, StringComparison.Ordinal);
        Assert.Contains("passwordAuth: 'Disabled'", postgres, StringComparison.Ordinal);
        Assert.Contains("name: 'require_secure_transport'", postgres, StringComparison.Ordinal);
        Assert.Contains("'Microsoft.DBforPostgreSQL/flexibleServers/administrators@", postgres, StringComparison.Ordinal);
        Assert.DoesNotContain("administratorLoginPassword", postgres, StringComparison.Ordinal);
    }

    [Fact]
    public void Telemetry_accepts_only_entra_authenticated_ingestion()
    {
        var monitoring = Code("infra/app/monitoring.bicep");

        Assert.Contains("DisableLocalAuth: true", monitoring, StringComparison.Ordinal);
        Assert.Contains("disableLocalAuth: true", monitoring, StringComparison.Ordinal);
    }

    [Fact]
    public void Key_vault_uses_rbac_not_access_policies()
    {
        var vault = Code("infra/app/key-vault.bicep");

        Assert.Contains("enableRbacAuthorization: true", vault, StringComparison.Ordinal);
        Assert.DoesNotContain("accessPolicies", vault, StringComparison.Ordinal);
    }

    [Fact]
    public void The_function_app_is_flex_consumption_dotnet_isolated_10_running_as_its_user_assigned_identity()
    {
        var app = Code("infra/app/function-app.bicep");

        Assert.Contains("name: 'FC1'", app, StringComparison.Ordinal);
        Assert.Contains("tier: 'FlexConsumption'", app, StringComparison.Ordinal);
        Assert.Contains("kind: 'functionapp,linux'", app, StringComparison.Ordinal);
        Assert.Contains("name: 'dotnet-isolated'", app, StringComparison.Ordinal);
        Assert.Contains("version: '10.0'", app, StringComparison.Ordinal);
        Assert.Contains("type: 'UserAssignedIdentity'", app, StringComparison.Ordinal);
        Assert.Contains("keyVaultReferenceIdentity: identityId", app, StringComparison.Ordinal);
        Assert.Contains("httpsOnly: true", app, StringComparison.Ordinal);
    }

    [Fact]
    public void No_template_reads_keys_or_connection_strings_out_of_a_resource()
    {
        Assert.DoesNotMatch(@"\.list(Keys|ConnectionStrings|Secrets|AccountSas|ServiceSas)\(|\blist(Keys|ConnectionStrings|Secrets)\(", AllCode());
    }

    [Fact]
    public void Role_assignments_are_limited_to_the_data_plane_roles_the_app_and_operator_need()
    {
        var assigned = RoleDefinitionId().Matches(AllCode()).Select(m => m.Groups["id"].Value).ToHashSet(StringComparer.OrdinalIgnoreCase);

        string[] expected =
        [
            "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", // Storage Blob Data Owner (host storage, deployment container)
            "974c5e8b-45b9-4653-ba55-5f855dd0fb88", // Storage Queue Data Contributor (the outbox queue and its trigger)
            "3913510d-42f4-4e42-8a64-420c390055eb", // Monitoring Metrics Publisher (telemetry)
            "4633458b-17de-408a-b874-0445c86b69e6", // Key Vault Secrets User (the app reads signing secrets)
            "b86a8fe4-44ce-4948-aee5-eccb2c155cd7", // Key Vault Secrets Officer (the operator sets them)
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), assigned.Order(StringComparer.Ordinal));
    }

    [GeneratedRegex(@"var\s+\w+\s*=\s*'(?<id>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})'")]
    private static partial Regex RoleDefinitionId();
}
