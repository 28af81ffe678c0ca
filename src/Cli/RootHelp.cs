using System.CommandLine;
using System.Text.RegularExpressions;

namespace StripeWebhooks.Cli;

/// <summary>
/// The root help's command list marks optional arguments as optional (<c>entitlements [&lt;user-id&gt;]</c>), as each
/// command's own usage line does; System.CommandLine lists them as if required.
/// </summary>
internal static partial class RootHelp
{
    public static string MarkOptionalArguments(string help, Command root)
    {
        var lines = help.Split('\n').ToList();
        var start = lines.FindIndex(l => l.TrimEnd('\r') == "Commands:");
        if (start < 0)
        {
            return help;
        }

        var end = lines.FindIndex(start + 1, l => l.Trim().Length == 0);
        end = end < 0 ? lines.Count : end;
        var rows = new List<(string Label, string Description)>();
        for (var i = start + 1; i < end; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (rows.Count > 0 && line.StartsWith("   ", StringComparison.Ordinal))
            {
                // A description wrapped to the terminal's width: keep it with its row.
                rows[^1] = (rows[^1].Label, rows[^1].Description + "\n" + line.Trim());
                continue;
            }

            var match = Row().Match(line);
            if (!match.Success)
            {
                return help;
            }

            var label = match.Groups["label"].Value;
            var command = root.Subcommands.FirstOrDefault(c => label == c.Name || label.StartsWith(c.Name + " ", StringComparison.Ordinal));
            foreach (var argument in command?.Arguments.Where(a => a.Arity.MinimumNumberOfValues == 0) ?? [])
            {
                label = label.Replace($"<{argument.Name}>", $"[<{argument.Name}>]", StringComparison.Ordinal);
            }

            rows.Add((label, match.Groups["description"].Value));
        }

        var width = rows.Max(r => r.Label.Length) + 2;
        lines.RemoveRange(start + 1, end - start - 1);
        lines.InsertRange(start + 1, rows.Select(r => $"  {r.Label.PadRight(width)}{r.Description.Replace("\n", "\n" + new string(' ', width + 2), StringComparison.Ordinal)}"));
        return string.Join('\n', lines);
    }

    [GeneratedRegex(@"^  (?<label>\S.*?)\s{2,}(?<description>\S.*)$")]
    private static partial Regex Row();
}
