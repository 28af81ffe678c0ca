using System.Xml.Linq;
using StripeWebhooks.Tests.Support;

namespace StripeWebhooks.Tests.Functions;

/// <summary>The function app's project file and package versions, read as XML (it does not restore everywhere).</summary>
public class FunctionProjectTests
{
    private static readonly string[] WorkerPackages =
    [
        "Microsoft.Azure.Functions.Worker",
        "Microsoft.Azure.Functions.Worker.Sdk",
        "Microsoft.Azure.Functions.Worker.Extensions.Http.AspNetCore",
        "Microsoft.Azure.Functions.Worker.Extensions.Timer",
    ];

    private static XDocument Project() => XDocument.Load(RepositoryRoot.PathOf("src", "WebhookFunction", "WebhookFunction.csproj"));

    private static Version PackageVersion(string id) =>
        Version.Parse(XDocument.Load(RepositoryRoot.PathOf("Directory.Packages.props")).Descendants("PackageVersion")
            .Single(e => (string?)e.Attribute("Include") == id).Attribute("Version")!.Value);

    [Fact]
    public void Project_is_an_isolated_worker_exe_for_functions_v4()
    {
        var project = Project();
        Assert.Equal("Exe", project.Descendants("OutputType").Single().Value);
        Assert.Equal("v4", project.Descendants("AzureFunctionsVersion").Single().Value);
        Assert.Contains(project.Descendants("FrameworkReference"), e => (string?)e.Attribute("Include") == "Microsoft.AspNetCore.App");
        Assert.Contains(project.Descendants("ProjectReference"), e => (string?)e.Attribute("Include") == "../Shared/Shared.csproj");
    }

    [Fact]
    public void Project_references_the_worker_packages_with_central_versions()
    {
        var references = Project().Descendants("PackageReference").Select(e => (string?)e.Attribute("Include")).ToHashSet();
        Assert.All(WorkerPackages, id => Assert.Contains(id, references));
        Assert.All(Project().Descendants("PackageReference"), e => Assert.Null(e.Attribute("Version")));
    }

    [Fact]
    public void Worker_versions_support_dotnet_10()
    {
        // .NET 10 support arrived in Worker 2.50.0 and Worker.Sdk 2.0.5.
        Assert.True(PackageVersion("Microsoft.Azure.Functions.Worker") >= new Version(2, 50, 0));
        Assert.True(PackageVersion("Microsoft.Azure.Functions.Worker.Sdk") >= new Version(2, 0, 5));
        Assert.Equal(2, PackageVersion("Microsoft.Azure.Functions.Worker.Extensions.Http.AspNetCore").Major);
        Assert.Equal(4, PackageVersion("Microsoft.Azure.Functions.Worker.Extensions.Timer").Major);
    }

    [Fact]
    public void Root_host_json_is_copied_into_the_output()
    {
        var hostJson = Project().Descendants("None").Single(e => (string?)e.Attribute("Link") == "host.json");
        Assert.Equal("../../host.json", (string?)hostJson.Attribute("Include"));
        Assert.Equal("PreserveNewest", (string?)hostJson.Attribute("CopyToOutputDirectory"));
        Assert.Equal("PreserveNewest", (string?)hostJson.Attribute("CopyToPublishDirectory"));
    }

    [Fact]
    public void Local_settings_are_never_published()
    {
        var settings = Project().Descendants("None").Single(e => (string?)e.Attribute("Update") == "local.settings.json");
        Assert.Equal("Never", (string?)settings.Attribute("CopyToPublishDirectory"));
    }

    [Fact]
    public void Solution_lists_the_function_app_and_the_tests_build_it()
    {
        Assert.Contains(@"src\WebhookFunction\WebhookFunction.csproj", File.ReadAllText(RepositoryRoot.PathOf("WebhookFunctions.sln")), StringComparison.Ordinal);
        // The README's test command builds the function app: the tests run its functions in-process.
        var tests = XDocument.Load(RepositoryRoot.PathOf("tests", "StripeWebhooks.Tests", "StripeWebhooks.Tests.csproj"));
        Assert.Contains(tests.Descendants("ProjectReference"), e => ((string?)e.Attribute("Include"))!.Contains("WebhookFunction", StringComparison.Ordinal));
    }
}
