using System.Text.RegularExpressions;
using StripeWebhooks.Persistence;
using StripeWebhooks.Tests.Functions;
using StripeWebhooks.Tests.Support;
using Xunit.Abstractions;

namespace StripeWebhooks.Tests;

/// <summary>
/// What README.md and docs/ say about the code, checked against it: serve's banner against a real serve, the
/// migrations against the embedded ones, the functions against the functions.metadata the build writes. A new
/// migration or function fails here until its doc line is added; the message says which line.
/// </summary>
public partial class ReadmeClaimsTests(ITestOutputHelper output)
{
    private static string[] Lines(string relativePath) => File.ReadAllLines(RepositoryRoot.PathTo(relativePath));

    /// <summary>The lines between <c>&lt;!-- {marker} ... --&gt;</c> and the next <c>&lt;!-- end ... --&gt;</c> (or the code block after it).</summary>
    private static List<string> Between(string[] lines, string marker)
    {
        var start = Array.FindIndex(lines, l => l.TrimStart().StartsWith($"<!-- {marker}", StringComparison.Ordinal));
        Assert.True(start >= 0, $"no <!-- {marker} --> marker");
        return lines.Skip(start + 1).TakeWhile(l => !l.TrimStart().StartsWith("<!-- end", StringComparison.Ordinal)).ToList();
    }

    private static List<string> ReadmeBanner()
    {
        var lines = Lines("README.md");
        var start = Array.FindIndex(lines, l => l.StartsWith("ConnectionStrings__Webhooks is not set: creating", StringComparison.Ordinal));
        Assert.True(start >= 0, "README.md shows no serve banner");
        return lines.Skip(start).TakeWhile(l => l != "```").ToList();
    }

    [Fact]
    public void The_migrations_docs_list_are_the_embedded_ones_in_order()
    {
        var embedded = Migration.Embedded.Select(m => m.Name).ToList();

        var documented = Between(Lines("docs/architecture.md"), "migrations")
            .Select(l => MigrationLine().Match(l)).Where(m => m.Success).Select(m => m.Groups["name"].Value).ToList();
        var banner = ReadmeBanner().Single(l => l.StartsWith("migrations:", StringComparison.Ordinal));

        Assert.True(embedded.SequenceEqual(documented),
            $"docs/architecture.md lists {string.Join(", ", documented)}; the assembly embeds {string.Join(", ", embedded)}: one line per migration");
        Assert.Equal($"migrations:       {string.Join(", ", embedded)}", banner);
    }

    [Fact]
    public void The_function_lists_are_the_built_functions()
    {
        var built = FunctionAppOutput.Read("functions.metadata").AsArray().Select(f => (string)f!["name"]!).Order(StringComparer.Ordinal).ToList();
        var lines = Lines("docs/functions-local.md");

        var table = Between(lines, "functions").Select(l => TableFunction().Match(l)).Where(m => m.Success).Select(m => m.Groups["name"].Value)
            .Order(StringComparer.Ordinal).ToList();
        var listing = Between(lines, "func start").Select(l => ListedFunction().Match(l)).Where(m => m.Success).Select(m => m.Groups["name"].Value).ToList();

        Assert.True(built.SequenceEqual(table), $"docs/functions-local.md's table lists {string.Join(", ", table)}; functions.metadata has {string.Join(", ", built)}");
        Assert.True(built.SequenceEqual(listing), $"docs/functions-local.md's func start listing shows {string.Join(", ", listing)}; functions.metadata has {string.Join(", ", built)} (sorted)");
    }

    [Fact]
    public async Task Serve_prints_the_banner_the_readme_shows()
    {
        var environment = ServeProcess.IsolatedEnvironment();
        await using var serve = await ServeProcess.StartAsync(environment);
        Assert.Equal(0, await serve.TerminateAsync());
        output.WriteLine(serve.Output);
        var printed = serve.Output.Split('\n').Select(l => Normalize(l.TrimEnd('\r'))).ToList();

        var shown = ReadmeBanner().Select(Normalize).ToList();

        // Every line the README shows is printed, in the same order; and every banner line serve prints is shown.
        var position = 0;
        foreach (var line in shown)
        {
            var found = printed.FindIndex(position, p => p == line);
            Assert.True(found >= 0, $"README.md shows \"{line}\"; serve printed:\n{string.Join('\n', printed)}");
            position = found + 1;
        }

        var bannerLines = printed.Where(l => BannerLine().IsMatch(l)).ToList();
        Assert.All(bannerLines, l => Assert.Contains(l, shown));
    }

    // Ports, pids, secrets and sizes differ on every run.
    private static string Normalize(string line) => Digits().Replace(DevelopmentSecret().Replace(line, "whsec_dev_…"), "#");

    [GeneratedRegex(@"^- `(?<name>\d{4}_[a-z0-9_]+)`")]
    private static partial Regex MigrationLine();

    [GeneratedRegex(@"^\| `(?<name>[A-Za-z]+)` \|")]
    private static partial Regex TableFunction();

    [GeneratedRegex(@"^\s+(?<name>[A-Za-z]+): ")]
    private static partial Regex ListedFunction();

    [GeneratedRegex(@"^[a-z][a-z ]+:\s{2,}\S")]
    private static partial Regex BannerLine();

    [GeneratedRegex(@"whsec_dev_[0-9a-f.]+")]
    private static partial Regex DevelopmentSecret();

    [GeneratedRegex(@"\d+")]
    private static partial Regex Digits();
}
