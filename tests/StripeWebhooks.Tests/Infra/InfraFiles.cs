using StripeWebhooks.Tests.Support;

namespace StripeWebhooks.Tests.Infra;

/// <summary>The deployment files the infra tests read.</summary>
internal static class InfraFiles
{
    public static string MainBicep => RepositoryRoot.PathTo("infra/main.bicep");

    public static string MainParameters => RepositoryRoot.PathTo("infra/main.parameters.json");

    public static string AzureYaml => RepositoryRoot.PathTo("azure.yaml");

    /// <summary>Every file under infra/ plus azure.yaml: whatever a deployment reads.</summary>
    public static IEnumerable<string> DeploymentFiles()
        => Directory.EnumerateFiles(RepositoryRoot.PathTo("infra"), "*", SearchOption.AllDirectories)
            .Append(AzureYaml)
            .Order(StringComparer.Ordinal);

    public static string Relative(string path) => Path.GetRelativePath(RepositoryRoot.Find(), path).Replace('\\', '/');
}
