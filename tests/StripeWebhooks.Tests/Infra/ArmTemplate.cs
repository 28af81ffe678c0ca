using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace StripeWebhooks.Tests.Infra;

/// <summary>
/// infra/main.bicep compiled to ARM JSON (once per test run), or one of its modules: the nested deployment's
/// template, with the parameter values its parent passes.
/// </summary>
/// <remarks>
/// <see cref="Render"/> turns an expression into readable text, resolving variables and passed parameters and
/// leaving what only Azure knows as a placeholder: <c>{identity.clientId}</c> for a module output,
/// <c>{retentionDays}</c> for a parameter of main.bicep, <c>{slot}</c> for a lambda variable. Tests compare that.
/// </remarks>
internal sealed partial class ArmTemplate
{
    private static readonly Lazy<(ArmTemplate Template, string Diagnostics)> Compiled = new(() =>
    {
        var (json, diagnostics) = BicepCli.Build(InfraFiles.MainBicep);
        return (new ArmTemplate("main", JsonNode.Parse(json)!.AsObject(), parent: null, passed: null), diagnostics);
    });

    private readonly JsonObject? _passed;

    private ArmTemplate(string name, JsonObject json, ArmTemplate? parent, JsonObject? passed)
    {
        Name = name;
        Json = json;
        Parent = parent;
        _passed = passed;
        Modules = Resources("Microsoft.Resources/deployments")
            .Select(d => new ArmTemplate(
                d["name"]!.GetValue<string>(),
                d["properties"]!["template"]!.AsObject(),
                this,
                d["properties"]!["parameters"]?.AsObject()))
            .ToList();
    }

    /// <summary>The compiled infra/main.bicep.</summary>
    public static ArmTemplate Main => Compiled.Value.Template;

    /// <summary>What <c>bicep build</c> printed on stderr for main.bicep (warnings); empty when clean.</summary>
    public static string MainDiagnostics => Compiled.Value.Diagnostics;

    /// <summary>"main", or the module's deployment name (<c>storage</c>, <c>functionApp</c>, ...).</summary>
    public string Name { get; }

    public JsonObject Json { get; }

    public ArmTemplate? Parent { get; }

    public IReadOnlyList<ArmTemplate> Modules { get; }

    public JsonObject Parameters => Json["parameters"]?.AsObject() ?? [];

    public IEnumerable<ArmTemplate> SelfAndModules() => Modules.SelectMany(m => m.SelfAndModules()).Prepend(this);

    public ArmTemplate Module(string name) => Modules.Single(m => m.Name == name);

    /// <summary>The resources this template declares (not those of its modules), optionally of one type.</summary>
    public IEnumerable<JsonObject> Resources(string? type = null)
    {
        // Bicep writes an array, or an object keyed by symbol under languageVersion 2.0.
        var resources = Json["resources"] switch
        {
            JsonArray array => array.Select(r => r!.AsObject()),
            JsonObject keyed => keyed.Select(r => r.Value!.AsObject()),
            _ => [],
        };
        return type is null ? resources : resources.Where(r => (string?)r["type"] == type);
    }

    public JsonObject Resource(string type) => Resources(type).Single();

    /// <summary>Every expression anywhere in the template, its modules included.</summary>
    public IEnumerable<ArmExpression> Expressions() => Strings().Where(ArmExpression.IsExpression).Select(ArmExpression.Parse);

    /// <summary>Every string in the template (names and values), its modules included.</summary>
    public IEnumerable<string> Strings() => StringsIn(Json);

    /// <summary>A JSON value of the template as an expression: objects become <c>createObject</c> calls.</summary>
    public static ArmExpression ToExpression(JsonNode? node) => node switch
    {
        JsonObject o => new ArmExpression.Call("createObject",
            o.SelectMany(p => new[] { new ArmExpression.Literal(p.Key), ToExpression(p.Value) }).ToList()),
        JsonArray a => new ArmExpression.Call("createArray", a.Select(ToExpression).ToList()),
        JsonValue v when v.TryGetValue<string>(out var s) => ArmExpression.Parse(s),
        JsonValue v when v.TryGetValue<bool>(out var b) => new ArmExpression.Literal(b),
        JsonValue v => new ArmExpression.Literal(v.GetValue<long>()),
        _ => new ArmExpression.Call("null", []),
    };

    /// <summary>Readable text for <paramref name="expression"/>, evaluated in this template (see the remarks).</summary>
    public string Render(ArmExpression expression) => expression switch
    {
        ArmExpression.Literal { Value: string s } => s,
        ArmExpression.Literal { Value: bool b } => b ? "true" : "false",
        ArmExpression.Literal l => Convert.ToString(l.Value, CultureInfo.InvariantCulture)!,
        ArmExpression.Call { Name: "format" } call => FormatItem().Replace(Render(call.Arguments[0]),
            m => Render(call.Arguments[int.Parse(m.Groups["index"].Value, CultureInfo.InvariantCulture) + 1])),
        ArmExpression.Call { Name: "concat" } call => string.Concat(call.Arguments.Select(Render)),
        ArmExpression.Call { Name: "string", Arguments.Count: 1 } call => Render(call.Arguments[0]),
        ArmExpression.Call { Name: "variables" } call => Render(Variable(call.Arguments[0].AsString()!)),
        ArmExpression.Call { Name: "parameters" } call => PassedValue(call.Arguments[0].AsString()!) is { } passed
            ? Parent!.Render(passed)
            : $"{{{call.Arguments[0].AsString()}}}",
        ArmExpression.Call { Name: "lambdaVariables" } call => $"{{{call.Arguments[0].AsString()}}}",
        ArmExpression.Member
        {
            Name: "value",
            Target: ArmExpression.Member { Target: ArmExpression.Member { Name: "outputs", Target: ArmExpression.Call { Name: "reference" } reference } } output,
        } => $"{{{DeploymentName(reference)}.{output.Name}}}",
        ArmExpression.Member member => $"{{{Render(member.Target).Trim('{', '}')}.{member.Name}}}",
        ArmExpression.Call call => $"{{{call.Name}({string.Join(", ", call.Arguments.Select(Render))})}}",
        _ => $"{{{expression}}}",
    };

    /// <summary>
    /// The entries of an object-valued expression (<c>union</c>, <c>createObject</c>, <c>toObject</c>), key and value
    /// rendered: <c>toObject(range(...), lambda('slot', format('Stripe__WebhookSecrets__{0}', ...)), ...)</c> gives
    /// the key <c>Stripe__WebhookSecrets__{slot}</c>.
    /// </summary>
    public IEnumerable<(string Key, string Value)> ObjectEntries(ArmExpression expression) => expression switch
    {
        ArmExpression.Call { Name: "union" } call => call.Arguments.SelectMany(ObjectEntries),
        ArmExpression.Call { Name: "createObject" } call => call.Arguments.Chunk(2).Select(pair => (Render(pair[0]), Render(pair[1]))),
        ArmExpression.Call { Name: "toObject" } call =>
        [
            (Render(LambdaBody(call.Arguments[1])), call.Arguments.Count > 2 ? Render(LambdaBody(call.Arguments[2])) : "{item}"),
        ],
        ArmExpression.Call { Name: "variables" } call => ObjectEntries(Variable(call.Arguments[0].AsString()!)),
        ArmExpression.Call { Name: "parameters" } call when PassedValue(call.Arguments[0].AsString()!) is { } passed =>
            Parent!.ObjectEntries(passed),
        _ => throw new NotSupportedException($"{Name}: cannot list the entries of {Render(expression)}"),
    };

    private ArmExpression Variable(string name) => ToExpression(Json["variables"]![name]);

    /// <summary>The value the parent passes for a module parameter; null in main or when not passed.</summary>
    private ArmExpression? PassedValue(string parameter) =>
        _passed?[parameter] is JsonObject p && p.ContainsKey("value") ? ToExpression(p["value"]) : null;

    private static ArmExpression LambdaBody(ArmExpression lambda) =>
        lambda is ArmExpression.Call { Name: "lambda" } call ? call.Arguments[^1] : throw new NotSupportedException($"not a lambda: {lambda}");

    // reference(extensionResourceId(..., 'Microsoft.Resources/deployments', 'identity'), ...): the last name given.
    private static IEnumerable<string> StringsIn(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => StringsIn(p.Value).Prepend(p.Key)),
        JsonArray a => a.SelectMany(StringsIn),
        JsonValue v when v.TryGetValue<string>(out var s) => [s],
        _ => [],
    };

    private static string DeploymentName(ArmExpression.Call reference) =>
        reference.Arguments[0].DescendantsAndSelf().Select(e => e.AsString()).Where(s => s is not null).Last()!;

    [GeneratedRegex(@"\{(?<index>\d+)(:[^}]*)?\}")]
    private static partial Regex FormatItem();
}
