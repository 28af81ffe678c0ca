using System.Text.RegularExpressions;
using Xunit;

namespace StripeWebhooks.Tests.Infra;

// Secrets reach Azure only as @secure() parameters or by hand into Key Vault; none is ever written into the
// compiled template or any other file a deployment reads.
public sealed partial class SecretLiteralTests
{
    static readonly (string What, Regex Pattern)[] SecretPatterns =
    [
        ("Stripe webhook signing secret", StripeSigningSecret()),
        ("Stripe API key", StripeApiKey()),
        ("password in a connection string", ConnectionStringPassword()),
        ("password-like property with a literal value", PasswordProperty()),
        ("storage account key or SAS", StorageKey()),
        ("Application Insights instrumentation key", InstrumentationKey()),
        ("private key", PrivateKey()),
    ];

    static IEnumerable<string> Findings(string text) =>
        SecretPatterns.Where(p => p.Pattern.IsMatch(text)).Select(p => p.What);

    [Fact]
    public void No_secret_literal_appears_in_the_compiled_template()
    {
        var findings = ArmTemplate.Main.Strings()
            .SelectMany(value => Findings(value).Select(what => $"{what}: {value}"))
            .ToList();

        Assert.True(findings.Count == 0, string.Join(Environment.NewLine, findings));
    }

    [Fact]
    public void No_secret_literal_appears_in_the_other_deployment_files()
    {
        // main.parameters.json, the hooks and azure.yaml; the .bicep files reach Azure as the template above.
        var findings = InfraFiles.DeploymentFiles()
            .Where(file => !file.EndsWith(".bicep", StringComparison.Ordinal))
            .SelectMany(file => File.ReadAllLines(file).Select((line, index) => (file, line, number: index + 1)))
            .SelectMany(l => Findings(l.line).Select(what => $"{InfraFiles.Relative(l.file)}:{l.number}: {what}"))
            .ToList();

        Assert.True(findings.Count == 0, string.Join(Environment.NewLine, findings));
    }

    // Built by concatenation so that this file does not itself look like it leaks a secret.
    public static TheoryData<string> SecretSamples() =>
    [
        "STRIPE_WEBHOOK_SECRET=whsec_" + "3f9a1c0b7d2e4f6a8b9c",
        "apiKey: 'sk_" + "live_51Habc0123456789'",
        "key=rk_" + "test_51Habc0123456789",
        "ConnectionStrings__Webhooks: 'Host=db;Username=app;Pass" + "word=hunter2;Ssl Mode=Require'",
        "'Host=db;Username=app;Pwd=" + "hunter2'",
        "administratorLoginPass" + "word: 'P@ssw0rd!'",
        "AzureWebJobsStorage: 'DefaultEndpointsProtocol=https;AccountName=st;Account" + "Key=bXlrZXlteWtleW15a2V5'",
        "InstrumentationKey=" + "00000000-1111-2222-3333-444444444444;IngestionEndpoint=https://example",
        "-----BEGIN RSA " + "PRIVATE KEY-----",
    ];

    [Theory]
    [MemberData(nameof(SecretSamples))]
    public void The_scan_recognises_secret_shapes(string line)
    {
        Assert.NotEmpty(Findings(line));
    }

    [Theory]
    [InlineData("var postgresConnectionString = 'Host=${postgres.outputs.fqdn};Database=webhooks;Username=${identity.outputs.name};Ssl Mode=VerifyFull'")]
    [InlineData("PGPASSWORD=\"$token\" psql \"host=$POSTGRES_HOST dbname=postgres\"")]
    [InlineData("  export PGPASSWORD=\"\\$(az account get-access-token --resource-type oss-rdbms --query accessToken --output tsv)\"")]
    [InlineData("    $env:PGPASSWORD = az account get-access-token --resource-type oss-rdbms --query accessToken --output tsv")]
    [InlineData("param stripeWebhookSecret string = ''")]
    [InlineData("Stripe signing secrets look like whsec_... and live only in Key Vault")]
    [InlineData("APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString")]
    [InlineData("      passwordAuth: 'Disabled'")]
    public void The_scan_leaves_references_and_placeholders_alone(string line)
    {
        Assert.Empty(Findings(line));
    }

    [Fact]
    public void Secure_parameters_default_to_empty_and_are_never_output()
    {
        var checkedSecure = 0;
        foreach (var template in ArmTemplate.Main.SelfAndModules())
        {
            var outputs = template.Json["outputs"]?.ToJsonString() ?? "";
            foreach (var (name, parameter) in template.Parameters)
            {
                if ((string?)parameter!["type"] is not ("securestring" or "secureObject"))
                {
                    continue;
                }

                checkedSecure++;
                Assert.True(parameter["defaultValue"] is null || (string?)parameter["defaultValue"] == "", $"{template.Name}: secure {name} has a default value");
                Assert.DoesNotContain($"parameters('{name}')", outputs, StringComparison.Ordinal);
            }
        }

        Assert.True(checkedSecure >= 2, "expected the signing-secret parameter in main and in the Key Vault module");
    }

    [Fact]
    public void The_signing_secret_parameter_is_secure()
    {
        var parameters = ArmTemplate.Main.Parameters;

        Assert.Equal("securestring", (string?)parameters["stripeWebhookSecret"]!["type"]);
        Assert.DoesNotContain(parameters, p => (string?)p.Value!["type"] != "securestring"
            && p.Key.Contains("secret", StringComparison.OrdinalIgnoreCase) && !p.Key.EndsWith("Slots", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"whsec_[A-Za-z0-9]{6,}")]
    private static partial Regex StripeSigningSecret();

    [GeneratedRegex(@"\b[sr]k_(live|test)_[A-Za-z0-9]{6,}")]
    private static partial Regex StripeApiKey();

    // Password=value; (connection-string style): a value that is not a $variable, (command), {expression} or <placeholder>.
    [GeneratedRegex(@"(?i)\b(password|pwd)\s*=\s*[^;'""\s$(){}<>%`\\]+\s*(;|'|""|$)")]
    private static partial Regex ConnectionStringPassword();

    // A property whose name ends in "password" with a literal string value (passwordAuth: 'Disabled' is a setting, not a secret).
    [GeneratedRegex(@"(?i)\b\w*password'?\s*:\s*'[^']+'")]
    private static partial Regex PasswordProperty();

    [GeneratedRegex(@"(?i)AccountKey=[A-Za-z0-9+/=]{8,}|SharedAccessSignature=|[?&]sig=[A-Za-z0-9%+/=]{16,}")]
    private static partial Regex StorageKey();

    [GeneratedRegex(@"(?i)InstrumentationKey=[0-9a-f]{8}-")]
    private static partial Regex InstrumentationKey();

    [GeneratedRegex(@"-----BEGIN [A-Z ]*PRIVATE KEY-----")]
    private static partial Regex PrivateKey();
}
