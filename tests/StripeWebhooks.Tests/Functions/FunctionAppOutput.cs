using System.Text.Json.Nodes;
using StripeWebhooks.Tests.Support;

namespace StripeWebhooks.Tests.Functions;

/// <summary>The files a Release build of src/WebhookFunction writes next to its dll (the test project builds it).</summary>
public static class FunctionAppOutput
{
    public const string AssemblyName = "StripeWebhooks.WebhookFunction";

    public static string Directory => RepositoryRoot.PathOf("src", "WebhookFunction", "bin", "Release", "net10.0");

    public static string PathOf(string fileName)
    {
        var path = Path.Combine(Directory, fileName);
        Assert.True(File.Exists(path), $"{path} is missing: the Release build of src/WebhookFunction did not write it.");
        return path;
    }

    public static JsonNode Read(string fileName) => JsonNode.Parse(File.ReadAllText(PathOf(fileName)))!;
}
