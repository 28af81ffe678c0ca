using System.Text.Json;
using Xunit;

namespace StripeWebhooks.Tests.Infra;

// azd fills main.bicep's parameters from main.parameters.json; a parameter with neither a value
// there nor a default makes `azd up` stop and prompt (or fail in CI).
public sealed class BicepParameterTests
{
    static readonly IReadOnlyList<BicepParameter> MainParameters = BicepDocument.Load(InfraFiles.MainBicep).Parameters();

    static Dictionary<string, JsonElement> ParameterValues()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(InfraFiles.MainParameters));
        return json.RootElement.GetProperty("parameters").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetProperty("value").Clone(), StringComparer.Ordinal);
    }

    [Fact]
    public void Main_bicep_declares_parameters()
    {
        Assert.Contains(MainParameters, p => p.Name == "environmentName");
        Assert.True(MainParameters.Count > 10, $"only {MainParameters.Count} parameters parsed from main.bicep");
    }

    [Fact]
    public void Every_parameter_has_a_value_in_main_parameters_json_or_a_default()
    {
        var values = ParameterValues();

        var unset = MainParameters.Where(p => !p.HasDefault && !values.ContainsKey(p.Name)).Select(p => p.Name).ToList();

        Assert.True(unset.Count == 0, $"no value and no default: {string.Join(", ", unset)}");
    }

    [Fact]
    public void Every_value_in_main_parameters_json_belongs_to_a_declared_parameter()
    {
        var declared = MainParameters.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);

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
        var code = BicepDocument.Load(InfraFiles.MainBicep).Code;

        Assert.Contains("targetScope = 'subscription'", code, StringComparison.Ordinal);
        Assert.Contains("'Microsoft.Resources/resourceGroups@", code, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_module_exists_and_gets_its_required_parameters_and_only_declared_ones()
    {
        var problems = new List<string>();
        foreach (var file in InfraFiles.BicepFiles())
        {
            foreach (var module in BicepDocument.Load(file).Modules())
            {
                var target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, module.RelativePath));
                if (!File.Exists(target))
                {
                    problems.Add($"{InfraFiles.Relative(file)}: module {module.Symbol} points at missing {module.RelativePath}");
                    continue;
                }

                var declared = BicepDocument.Load(target).Parameters();
                problems.AddRange(declared
                    .Where(p => !p.HasDefault && !module.PassedParameters.Contains(p.Name))
                    .Select(p => $"module {module.Symbol} does not pass required parameter {p.Name}"));
                problems.AddRange(module.PassedParameters
                    .Where(name => declared.All(p => p.Name != name))
                    .Select(name => $"module {module.Symbol} passes {name}, which {module.RelativePath} does not declare"));
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Every_bicep_file_has_closed_strings_comments_and_brackets()
    {
        var problems = InfraFiles.BicepFiles()
            .Select(file => (file, error: BicepDocument.Load(file).FindUnbalancedBracket()))
            .Where(r => r.error is not null)
            .Select(r => $"{InfraFiles.Relative(r.file)}: {r.error}")
            .ToList();

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void The_bracket_check_notices_a_missing_brace()
    {
        Assert.Null(BicepDocument.Parse("var a = { b: '${c}}' }").FindUnbalancedBracket());
        Assert.NotNull(BicepDocument.Parse("var a = {\n  b: 'x'\n").FindUnbalancedBracket());
        Assert.NotNull(BicepDocument.Parse("var a = 'unterminated\n").FindUnbalancedBracket());
    }
}
