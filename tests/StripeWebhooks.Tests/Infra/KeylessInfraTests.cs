using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit;

namespace StripeWebhooks.Tests.Infra;

// Security properties of the compiled template that a reviewer would otherwise have to re-check by eye on every
// change: nothing authenticates with a key or password, and each identity holds only the data-plane roles it needs,
// each on the one resource it is for.
public sealed partial class KeylessInfraTests
{
    static JsonObject Properties(string module, string type) => ArmTemplate.Main.Module(module).Resource(type)["properties"]!.AsObject();

    static JsonNode? At(JsonNode node, string path) => path.Split('.').Aggregate<string, JsonNode?>(node, (n, step) => n?[step]);

    [Fact]
    public void Storage_refuses_shared_keys_and_anonymous_blobs()
    {
        var storage = Properties("storage", "Microsoft.Storage/storageAccounts");

        Assert.False((bool)storage["allowSharedKeyAccess"]!);
        Assert.False((bool)storage["allowBlobPublicAccess"]!);
        Assert.True((bool)storage["defaultToOAuthAuthentication"]!);
    }

    [Fact]
    public void Postgres_accepts_only_entra_sign_in_over_tls()
    {
        var postgres = ArmTemplate.Main.Module("postgres");
        var server = postgres.Resource("Microsoft.DBforPostgreSQL/flexibleServers")["properties"]!;

        Assert.Equal("Enabled", (string?)At(server, "authConfig.activeDirectoryAuth"));
        Assert.Equal("Disabled", (string?)At(server, "authConfig.passwordAuth"));
        Assert.Null(server["administratorLogin"]);
        Assert.Null(server["administratorLoginPassword"]);
        Assert.Single(postgres.Resources("Microsoft.DBforPostgreSQL/flexibleServers/administrators"));
        var tls = postgres.Resource("Microsoft.DBforPostgreSQL/flexibleServers/configurations");
        Assert.EndsWith("/require_secure_transport", postgres.Render(ArmExpression.Parse((string)tls["name"]!)), StringComparison.Ordinal);
        Assert.Equal("on", (string?)tls["properties"]!["value"]);
    }

    [Fact]
    public void Telemetry_accepts_only_entra_authenticated_ingestion()
    {
        Assert.True((bool)Properties("monitoring", "Microsoft.Insights/components")["DisableLocalAuth"]!);
        Assert.True((bool)At(Properties("monitoring", "Microsoft.OperationalInsights/workspaces"), "features.disableLocalAuth")!);
    }

    [Fact]
    public void Key_vault_uses_rbac_not_access_policies()
    {
        var vault = Properties("keyVault", "Microsoft.KeyVault/vaults");

        Assert.True((bool)vault["enableRbacAuthorization"]!);
        Assert.Null(vault["accessPolicies"]);
    }

    [Fact]
    public void The_function_app_is_flex_consumption_dotnet_isolated_10_running_as_its_user_assigned_identity()
    {
        var module = ArmTemplate.Main.Module("functionApp");
        var plan = module.Resource("Microsoft.Web/serverfarms");
        var site = module.Resource("Microsoft.Web/sites");
        var properties = site["properties"]!;

        Assert.Equal("FC1", (string?)At(plan, "sku.name"));
        Assert.Equal("FlexConsumption", (string?)At(plan, "sku.tier"));
        Assert.Equal("functionapp,linux", (string?)site["kind"]);
        Assert.Equal("UserAssigned", (string?)At(site, "identity.type"));
        Assert.Equal("dotnet-isolated", (string?)At(properties, "functionAppConfig.runtime.name"));
        Assert.Equal("10.0", (string?)At(properties, "functionAppConfig.runtime.version"));
        Assert.Equal("UserAssignedIdentity", (string?)At(properties, "functionAppConfig.deployment.storage.authentication.type"));
        Assert.Equal("{identity.id}", module.Render(ArmExpression.Parse((string)properties["keyVaultReferenceIdentity"]!)));
        Assert.True((bool)properties["httpsOnly"]!);
    }

    [Fact]
    public void No_template_reads_keys_or_connection_strings_out_of_a_resource()
    {
        var listCalls = ArmTemplate.Main.Expressions()
            .SelectMany(e => e.DescendantsAndSelf())
            .OfType<ArmExpression.Call>()
            .Where(c => c.Name.StartsWith("list", StringComparison.OrdinalIgnoreCase))
            .Select(c => c.Name)
            .ToList();

        Assert.Empty(listCalls);
    }

    [Fact]
    public void Role_assignments_are_the_data_plane_roles_the_app_and_operator_need_each_on_one_resource()
    {
        var assignments = ArmTemplate.Main.SelfAndModules()
            .SelectMany(t => t.Resources("Microsoft.Authorization/roleAssignments").Select(r => Describe(t, r)))
            .Order(StringComparer.Ordinal)
            .ToList();

        string[] expected =
        [
            "Key Vault Secrets Officer on Microsoft.KeyVault/vaults to {principalId}", // the operator sets the signing secrets
            "Key Vault Secrets User on Microsoft.KeyVault/vaults to {identity.principalId}", // the app reads them
            "Monitoring Metrics Publisher on Microsoft.Insights/components to {identity.principalId}", // telemetry
            "Storage Blob Data Owner on Microsoft.Storage/storageAccounts to {identity.principalId}", // host storage, deployment container
            "Storage Queue Data Contributor on Microsoft.Storage/storageAccounts to {identity.principalId}", // the outbox queue and its trigger
        ];
        Assert.True(expected.SequenceEqual(assignments), "assigned:" + Environment.NewLine + string.Join(Environment.NewLine, assignments));
    }

    static readonly Dictionary<string, string> RoleNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["b7e6dc6d-f1e8-4753-8033-0f276bb0955b"] = "Storage Blob Data Owner",
        ["974c5e8b-45b9-4653-ba55-5f855dd0fb88"] = "Storage Queue Data Contributor",
        ["3913510d-42f4-4e42-8a64-420c390055eb"] = "Monitoring Metrics Publisher",
        ["4633458b-17de-408a-b874-0445c86b69e6"] = "Key Vault Secrets User",
        ["b86a8fe4-44ce-4948-aee5-eccb2c155cd7"] = "Key Vault Secrets Officer",
    };

    // "<role> on <resource type> to <principal>": the scope is one resource, resourceId(type, name); a resource group
    // or subscription scope (no scope, or anything else) shows as itself and fails the comparison.
    static string Describe(ArmTemplate template, JsonObject assignment)
    {
        var role = template.Render(ArmExpression.Parse((string)assignment["properties"]!["roleDefinitionId"]!));
        var roleId = RoleId().Match(role).Value;
        var scope = assignment["scope"] is JsonValue s ? ArmExpression.Parse((string)s!) : null;
        var scopeType = scope switch
        {
            ArmExpression.Call { Name: "resourceId", Arguments.Count: 2 } one => template.Render(one.Arguments[0]),
            null => "(the deployment's resource group)",
            _ => template.Render(scope),
        };
        var principal = template.Render(ArmExpression.Parse((string)assignment["properties"]!["principalId"]!));
        return $"{RoleNames.GetValueOrDefault(roleId, roleId)} on {scopeType} to {principal}";
    }

    [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex RoleId();
}
