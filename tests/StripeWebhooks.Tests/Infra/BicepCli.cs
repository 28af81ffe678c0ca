using System.Diagnostics;
using System.Reflection;

namespace StripeWebhooks.Tests.Infra;

/// <summary>
/// The pinned Bicep CLI (the test project's <c>PackageDownload</c> of Azure.Bicep.CommandLine.linux-x64; its path is
/// baked into this assembly at build time), so the infra tests read what Azure would receive: the ARM JSON.
/// </summary>
/// <remarks>
/// Compiled at test time rather than by an MSBuild target, so a build of the tests never fails on infra/ and an
/// edit to a .bicep file needs no rebuild: <c>dotnet test</c> on a fresh machine restores the CLI and runs it once.
/// </remarks>
internal static class BicepCli
{
    public static string Path { get; } = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "BicepCli").Value!;

    /// <summary>Runs <c>bicep build --stdout</c>: the ARM JSON, and whatever the compiler said on stderr.</summary>
    public static (string Json, string Diagnostics) Build(string bicepFile)
    {
        if (!File.Exists(Path))
        {
            throw new InvalidOperationException(
                $"Bicep CLI not found at {Path}. It is the PackageDownload of tests/StripeWebhooks.Tests (linux-x64 only); " +
                "`dotnet test tests/StripeWebhooks.Tests` restores it.");
        }

        var start = new ProcessStartInfo(Path)
        {
            ArgumentList = { "build", bicepFile, "--stdout" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var json = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var diagnostics = stderr.GetAwaiter().GetResult();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"bicep build {bicepFile} failed ({process.ExitCode}):{Environment.NewLine}{diagnostics}");
        }

        return (json, diagnostics.Trim());
    }
}
