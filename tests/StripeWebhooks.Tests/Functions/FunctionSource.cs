using System.Reflection;
using System.Text.RegularExpressions;
using StripeWebhooks.Tests.Support;

namespace StripeWebhooks.Tests.Functions;

/// <summary>
/// Reads src/WebhookFunction as text. The worker packages do not restore everywhere (not from this machine's
/// package source), so the test project cannot reference the function app; its sources are small enough to read.
/// </summary>
public static partial class FunctionSource
{
    /// <summary>Directory of the function app.</summary>
    public static string Directory => RepositoryRoot.PathOf("src", "WebhookFunction");

    /// <summary>The text of <paramref name="fileName"/> in src/WebhookFunction.</summary>
    public static string Read(string fileName) => File.ReadAllText(Path.Combine(Directory, fileName));

    /// <summary>The HTTP function declared in <paramref name="fileName"/>: name, auth level, methods, resolved route.</summary>
    public static HttpFunction HttpFunctionIn(string fileName)
    {
        var text = Read(fileName);
        var name = FunctionName().Match(text);
        var trigger = HttpTrigger().Match(text);
        Assert.True(name.Success, $"{fileName} has no [Function(\"...\")].");
        Assert.True(trigger.Success, $"{fileName} has no [HttpTrigger(AuthorizationLevel.X, \"method\", Route = ...)].");
        var methods = Quoted().Matches(trigger.Groups["methods"].Value).Select(m => m.Groups[1].Value.ToUpperInvariant()).ToArray();
        return new HttpFunction(name.Groups[1].Value, trigger.Groups["level"].Value, methods, ResolveRoute(trigger.Groups["route"].Value));
    }

    /// <summary><c>WebhookRoutes.X</c> resolved to its value, or a string literal unquoted.</summary>
    private static string ResolveRoute(string expression)
    {
        if (expression.StartsWith('"'))
        {
            return expression.Trim('"');
        }

        var field = typeof(WebhookRoutes).GetField(expression["WebhookRoutes.".Length..], BindingFlags.Public | BindingFlags.Static);
        Assert.True(field is { IsLiteral: true }, $"{expression} is not a WebhookRoutes constant.");
        return (string)field!.GetRawConstantValue()!;
    }

    /// <summary>An HTTP-triggered function as the Functions host would list it.</summary>
    public sealed record HttpFunction(string Name, string AuthorizationLevel, string[] Methods, string Route);

    [GeneratedRegex(@"\[Function\(""([^""]+)""\)\]")]
    public static partial Regex FunctionName();

    [GeneratedRegex(@"\[HttpTrigger\(AuthorizationLevel\.(?<level>\w+),\s*(?<methods>(?:""[^""]+"",\s*)+)Route\s*=\s*(?<route>WebhookRoutes\.\w+|""[^""]*"")\)\]")]
    private static partial Regex HttpTrigger();

    [GeneratedRegex(@"""([^""]+)""")]
    private static partial Regex Quoted();
}
