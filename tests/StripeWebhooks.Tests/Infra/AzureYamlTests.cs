using StripeWebhooks.Tests.Support;
using Xunit;

namespace StripeWebhooks.Tests.Infra;

// azure.yaml is what `azd up` reads first; no YAML parser is referenced, so these read it as lines.
public sealed class AzureYamlTests
{
    static readonly string[] Lines = File.ReadAllLines(InfraFiles.AzureYaml);

    static string ValueOf(string key) =>
        Lines.Select(l => l.Trim()).First(l => l.StartsWith(key + ":", StringComparison.Ordinal))[(key.Length + 1)..].Trim();

    [Fact]
    public void The_webhooks_service_deploys_the_function_project_to_azure_functions()
    {
        Assert.Contains(Lines, l => l.Trim() == "webhooks:");
        Assert.Equal("./src/WebhookFunction", ValueOf("project"));
        Assert.Equal("dotnet", ValueOf("language"));
        Assert.Equal("function", ValueOf("host"));
    }

    [Fact]
    public void The_postprovision_hook_scripts_exist()
    {
        Assert.Contains(Lines, l => l.Trim() == "postprovision:");

        var scripts = Lines.Select(l => l.Trim())
            .Where(l => l.StartsWith("run:", StringComparison.Ordinal))
            .Select(l => l["run:".Length..].Trim())
            .ToList();

        Assert.Contains("./infra/hooks/postprovision.sh", scripts);
        Assert.Contains("./infra/hooks/postprovision.ps1", scripts);
        Assert.All(scripts, script => Assert.True(File.Exists(RepositoryRoot.PathTo(script.TrimStart('.', '/'))), $"{script} is missing"));
    }

    [Fact]
    public void The_hook_migrates_as_the_entra_administrator_without_a_password()
    {
        var hook = File.ReadAllText(RepositoryRoot.PathTo("infra/hooks/postprovision.sh"));

        Assert.Contains("-- migrate", hook, StringComparison.Ordinal);
        Assert.Contains("Postgres__UseEntraAuth=true", hook, StringComparison.Ordinal);
        Assert.Contains("Username=$POSTGRES_ADMIN_NAME", hook, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"(?i);\s*(password|pwd)\s*=", hook); // no password in any connection string
    }
}
