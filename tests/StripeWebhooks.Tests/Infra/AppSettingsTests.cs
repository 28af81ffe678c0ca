using StripeWebhooks.Tests.Support;
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace StripeWebhooks.Tests.Infra;

// The app settings the Bicep gives the function app must cover every setting DESIGN.md lists,
// or the deployed app starts with a default where the operator meant to choose.
public sealed partial class AppSettingsTests(ITestOutputHelper output)
{
    static readonly string[] DesignSettings = Support.DesignSettings.Keys;

    static readonly IReadOnlySet<string> Keys = InfraFiles.BicepFiles()
        .SelectMany(f => BicepDocument.Load(f).PropertyNames()).ToHashSet(StringComparer.Ordinal);

    static readonly IReadOnlySet<string> KeyPrefixes = InfraFiles.BicepFiles()
        .SelectMany(f => BicepDocument.Load(f).InterpolatedKeyPrefixes()).ToHashSet(StringComparer.Ordinal);

    static bool IsSet(string setting)
    {
        if (setting.EndsWith("__", StringComparison.Ordinal))
        {
            return KeyPrefixes.Contains(setting) || Keys.Any(k => k.StartsWith(setting, StringComparison.Ordinal));
        }

        // Stripe__WebhookSecrets__0 may come from 'Stripe__WebhookSecrets__${slot}'.
        return Keys.Contains(setting) || KeyPrefixes.Any(p =>
            setting.StartsWith(p, StringComparison.Ordinal) && setting[p.Length..].All(char.IsAsciiDigit));
    }

    [Fact]
    public void Every_design_setting_is_set_on_the_function_app()
    {
        var missing = DesignSettings.Where(s => !IsSet(s)).ToList();

        Assert.True(missing.Count == 0, $"not set by infra/: {string.Join(", ", missing)}");
    }

    [Fact]
    public void The_pinned_setting_list_matches_design_md()
    {
        var design = FindDesignDocument();
        if (design is null)
        {
            output.WriteLine("DESIGN.md not found beside the repository (../shared/DESIGN.md); checked the pinned list only.");
            return;
        }

        var documented = DesignTableKeys(File.ReadAllText(design));

        Assert.NotEmpty(documented);
        Assert.Equal(documented.Order(StringComparer.Ordinal), DesignSettings.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Entra_sign_in_to_postgres_is_switched_on_with_the_apps_identity()
    {
        Assert.Contains("Postgres__UseEntraAuth", Keys);
        Assert.Contains("Postgres__ManagedIdentityClientId", Keys);
        Assert.Matches(@"Postgres__UseEntraAuth:\s*'true'", File.ReadAllText(InfraFiles.MainBicep));
    }

    [Fact]
    public void The_connection_string_names_the_identity_requires_tls_and_has_no_password()
    {
        var code = BicepDocument.Load(InfraFiles.MainBicep).Code;
        var connectionString = Assert.Single(HostConnectionString().Matches(code)).Value;

        Assert.Contains("Database=", connectionString, StringComparison.Ordinal);
        Assert.Contains("Username=${identity.outputs.name}", connectionString, StringComparison.Ordinal);
        Assert.Matches("Ssl Mode=(Require|VerifyCA|VerifyFull)", connectionString);
        Assert.DoesNotContain("Password", connectionString, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Signing_secrets_are_key_vault_references()
    {
        var code = BicepDocument.Load(InfraFiles.MainBicep).Code;

        Assert.Contains("'Stripe__WebhookSecrets__${slot}'", code, StringComparison.Ordinal);
        Assert.Contains("'@Microsoft.KeyVault(SecretUri=${keyVault.outputs.uri}secrets/", code, StringComparison.Ordinal);
    }

    [Fact]
    public void The_purge_runs_at_the_designed_schedule_by_default()
    {
        var purgeSchedule = Assert.Single(BicepDocument.Load(InfraFiles.MainBicep).Parameters(), p => p.Name == "purgeSchedule");

        Assert.Equal("'0 17 3 * * *'", purgeSchedule.Default);
        Assert.Contains("PurgeSchedule", Keys);
    }

    [Fact]
    public void Host_storage_and_telemetry_use_the_identity_and_flex_consumption_owns_the_runtime()
    {
        Assert.Contains("AzureWebJobsStorage__credential", Keys);
        Assert.Contains("AzureWebJobsStorage__clientId", Keys);
        Assert.Contains("AzureWebJobsStorage__blobServiceUri", Keys);
        Assert.Contains("APPLICATIONINSIGHTS_AUTHENTICATION_STRING", Keys);

        // A plain AzureWebJobsStorage would be a connection string with an account key; Flex
        // Consumption rejects the worker-runtime settings (the runtime is in functionAppConfig).
        Assert.DoesNotContain("AzureWebJobsStorage", Keys);
        Assert.DoesNotContain("FUNCTIONS_WORKER_RUNTIME", Keys);
        Assert.DoesNotContain("FUNCTIONS_EXTENSION_VERSION", Keys);
    }

    static string? FindDesignDocument()
    {
        var root = RepositoryRoot.Find();
        return new[] { "../shared/DESIGN.md", "DESIGN.md", "docs/DESIGN.md" }
            .Select(p => Path.GetFullPath(Path.Combine(root, p)))
            .FirstOrDefault(File.Exists);
    }

    // Rows of the table under "## Configuration": the first backticked name in the first cell.
    internal static IReadOnlyList<string> DesignTableKeys(string markdown)
    {
        var section = markdown.Split("\n## ").FirstOrDefault(s => s.StartsWith("Configuration", StringComparison.Ordinal));
        if (section is null)
        {
            return [];
        }

        return section.Split('\n')
            .Select(line => TableKeyCell().Match(line))
            .Where(m => m.Success)
            .Select(m => m.Groups["key"].Value)
            .Select(key => key.Contains('<', StringComparison.Ordinal) ? key[..key.IndexOf('<', StringComparison.Ordinal)] : key)
            .ToList();
    }

    [GeneratedRegex(@"^\|\s*`(?<key>[^`]+)`")]
    private static partial Regex TableKeyCell();

    [GeneratedRegex(@"'Host=[^']*'")]
    private static partial Regex HostConnectionString();
}
