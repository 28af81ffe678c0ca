using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit;

namespace StripeWebhooks.Tests.Infra;

// What Azure receives is the ARM JSON `bicep build` writes; these read it. azd fills main.bicep's parameters from
// main.parameters.json: a parameter with neither a value there nor a default makes `azd up` stop and prompt (or fail in CI).
public sealed class TemplateParameterTests
{
    static IEnumerable<KeyValuePair<string, JsonNode?>> MainParameters => ArmTemplate.Main.Parameters;

    static Dictionary<string, JsonElement> ParameterValues()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(InfraFiles.MainParameters));
        return json.RootElement.GetProperty("parameters").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetProperty("value").Clone(), StringComparer.Ordinal);
    }

    [Fact]
    public void Main_bicep_compiles_without_a_warning()
    {
        Assert.True(ArmTemplate.MainDiagnostics.Length == 0, ArmTemplate.MainDiagnostics);
        Assert.True(MainParameters.Count() > 10, $"only {MainParameters.Count()} parameters in the compiled template");
    }

    [Fact]
    public void Every_parameter_has_a_value_in_main_parameters_json_or_a_default()
    {
        var values = ParameterValues();

        var unset = MainParameters.Where(p => !p.Value!.AsObject().ContainsKey("defaultValue") && !values.ContainsKey(p.Key))
            .Select(p => p.Key).ToList();

        Assert.True(unset.Count == 0, $"no value and no default: {string.Join(", ", unset)}");
    }

    [Fact]
    public void Every_value_in_main_parameters_json_belongs_to_a_declared_parameter()
    {
        var declared = MainParameters.Select(p => p.Key).ToHashSet(StringComparer.Ordinal);

        var unknown = ParameterValues().Keys.Where(name => !declared.Contains(name)).ToList();

        Assert.True(unknown.Count == 0, $"main.parameters.json sets undeclared parameters: {string.Join(", ", unknown)}");
    }

    [Theory]
    [InlineData("environmentName", "${AZURE_ENV_NAME}")]
    [InlineData("location", "${AZURE_LOCATION}")]
    [InlineData("principalId", "${AZURE_PRINCIPAL_ID}")]
    public void Azd_environment_values_feed_the_standard_parameters(string parameter, string placeholder)
    {
        Assert.Equal(placeholder, ParameterValues()[parameter].GetString());
    }

    [Fact]
    public void Main_bicep_is_subscription_scoped_and_creates_the_resource_group()
    {
        Assert.Contains("subscriptionDeploymentTemplate.json", (string?)ArmTemplate.Main.Json["$schema"], StringComparison.Ordinal);
        Assert.Single(ArmTemplate.Main.Resources("Microsoft.Resources/resourceGroups"));
    }
}
