using System.Text;
using System.Text.RegularExpressions;

namespace StripeWebhooks.Tests.Infra;

/// <summary>
/// Just enough of Bicep's lexical structure to check templates without the Bicep CLI (which this
/// machine does not have): comments, strings with <c>${...}</c> interpolation, brackets, and the
/// top-level <c>param</c> and <c>module</c> declarations.
/// </summary>
internal sealed partial class BicepDocument
{
    enum Kind : byte { Code, String, Comment, Interpolation }

    readonly Kind[] _kinds;

    BicepDocument(string path, string text)
    {
        Path = path;
        Text = text;
        _kinds = Classify(text, out var lexError);
        LexError = lexError;

        var code = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            code.Append(_kinds[i] == Kind.Comment && text[i] != '\n' ? ' ' : text[i]);
        }

        Code = code.ToString();
    }

    public string Path { get; }

    public string Text { get; }

    /// <summary>The text with comments blanked out (line breaks kept, strings kept).</summary>
    public string Code { get; }

    /// <summary>An unterminated string or comment, if any.</summary>
    public string? LexError { get; }

    public static BicepDocument Load(string path) => new(path, File.ReadAllText(path));

    public static BicepDocument Parse(string text) => new("(inline)", text);

    /// <summary>The first bracket that does not pair up, as a message; null when all of (), [] and {} balance.</summary>
    public string? FindUnbalancedBracket()
    {
        if (LexError is not null)
        {
            return LexError;
        }

        var open = new Stack<(char Bracket, int Index)>();
        for (var i = 0; i < Text.Length; i++)
        {
            if (_kinds[i] != Kind.Code)
            {
                continue;
            }

            var c = Text[i];
            if (c is '(' or '[' or '{')
            {
                open.Push((c, i));
            }
            else if (c is ')' or ']' or '}')
            {
                var expected = c switch { ')' => '(', ']' => '[', _ => '{' };
                if (open.Count == 0 || open.Peek().Bracket != expected)
                {
                    return $"unexpected '{c}' at line {LineOf(i)}";
                }

                open.Pop();
            }
        }

        return open.Count == 0 ? null : $"'{open.Peek().Bracket}' at line {LineOf(open.Peek().Index)} is never closed";
    }

    public IReadOnlyList<BicepParameter> Parameters()
    {
        var parameters = new List<BicepParameter>();
        foreach (Match match in ParamDeclaration().Matches(Code))
        {
            var name = match.Groups["name"].Value;
            var rest = match.Groups["rest"].Value.Trim();
            var equals = IndexOfCode(match.Groups["rest"].Index, match.Groups["rest"].Index + match.Groups["rest"].Length, '=');
            var defaultText = equals < 0 ? null : Code[(equals + 1)..(match.Groups["rest"].Index + match.Groups["rest"].Length)].Trim();
            var decorators = Code[PreviousDeclarationEnd(match.Index)..match.Index];
            parameters.Add(new BicepParameter(name, rest, defaultText, decorators.Contains("@secure()", StringComparison.Ordinal)));
        }

        return parameters;
    }

    public IReadOnlyList<BicepModule> Modules()
    {
        var modules = new List<BicepModule>();
        foreach (Match match in ModuleDeclaration().Matches(Code))
        {
            var bodyStart = Code.IndexOf('{', match.Index + match.Length);
            var bodyEnd = MatchingClose(bodyStart);
            var body = Code[bodyStart..(bodyEnd + 1)];
            var paramsMatch = ParamsProperty().Match(body);
            var passed = new HashSet<string>(StringComparer.Ordinal);
            if (paramsMatch.Success)
            {
                var open = bodyStart + paramsMatch.Index + paramsMatch.Length - 1;
                passed.UnionWith(TopLevelKeys(open, MatchingClose(open)));
            }

            modules.Add(new BicepModule(match.Groups["symbol"].Value, match.Groups["path"].Value, passed));
        }

        return modules;
    }

    /// <summary>Every object property name written as a plain identifier, e.g. <c>Webhooks__MaxAttempts:</c>.</summary>
    public IReadOnlySet<string> PropertyNames()
        => PropertyName().Matches(Code).Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);

    /// <summary>Prefixes of keys built by interpolation, e.g. <c>Billing__Prices__</c> from <c>'Billing__Prices__${price.key}'</c>.</summary>
    public IReadOnlySet<string> InterpolatedKeyPrefixes()
        => InterpolatedKey().Matches(Code).Select(m => m.Groups["prefix"].Value).ToHashSet(StringComparer.Ordinal);

    int LineOf(int index) => Text.AsSpan(0, index).Count('\n') + 1;

    int IndexOfCode(int start, int end, char c)
    {
        for (var i = start; i < end; i++)
        {
            if (_kinds[i] == Kind.Code && Text[i] == c)
            {
                return i;
            }
        }

        return -1;
    }

    int MatchingClose(int openIndex)
    {
        var depth = 0;
        for (var i = openIndex; i < Text.Length; i++)
        {
            if (_kinds[i] != Kind.Code)
            {
                continue;
            }

            if (Text[i] is '(' or '[' or '{')
            {
                depth++;
            }
            else if (Text[i] is ')' or ']' or '}' && --depth == 0)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"{Path}: bracket at line {LineOf(openIndex)} is never closed");
    }

    // Keys written at the start of a line directly inside the object opened at openIndex.
    IEnumerable<string> TopLevelKeys(int openIndex, int closeIndex)
    {
        var depth = 0;
        var lineStart = true;
        for (var i = openIndex; i <= closeIndex; i++)
        {
            var c = Text[i];
            if (_kinds[i] == Kind.Code)
            {
                if (lineStart && depth == 1 && (char.IsLetter(c) || c == '_'))
                {
                    var key = KeyAtLineStart().Match(Code, i);
                    if (key.Success)
                    {
                        yield return key.Groups["name"].Value;
                    }
                }

                if (c is '(' or '[' or '{')
                {
                    depth++;
                }
                else if (c is ')' or ']' or '}')
                {
                    depth--;
                }
            }

            lineStart = c == '\n' || (lineStart && char.IsWhiteSpace(c));
        }
    }

    int PreviousDeclarationEnd(int index)
    {
        var previous = DeclarationKeyword().Matches(Code[..index]).LastOrDefault();
        return previous is null ? 0 : previous.Index + previous.Length;
    }

    static Kind[] Classify(string text, out string? error)
    {
        var kinds = new Kind[text.Length];
        var interpolationDepths = new Stack<int>();
        var depth = 0;
        var mode = Kind.Code;
        var multiline = false;
        var modeStart = 0;
        error = null;

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var next = i + 1 < text.Length ? text[i + 1] : '\0';
            switch (mode)
            {
                case Kind.Code:
                    if (c == '/' && next is '/' or '*')
                    {
                        mode = Kind.Comment;
                        multiline = next == '*';
                        modeStart = i;
                        kinds[i] = kinds[i + 1] = Kind.Comment;
                        i++;
                    }
                    else if (c == '\'')
                    {
                        mode = Kind.String;
                        modeStart = i;
                        multiline = string.CompareOrdinal(text, i, "'''", 0, 3) == 0;
                        var length = multiline ? 3 : 1;
                        for (var k = 0; k < length; k++)
                        {
                            kinds[i + k] = Kind.String;
                        }

                        i += length - 1;
                    }
                    else if (c == '}' && interpolationDepths.Count > 0 && interpolationDepths.Peek() == depth)
                    {
                        interpolationDepths.Pop();
                        kinds[i] = Kind.Interpolation;
                        mode = Kind.String;
                        multiline = false;
                    }
                    else
                    {
                        depth += c == '{' ? 1 : c == '}' ? -1 : 0;
                        kinds[i] = Kind.Code;
                    }

                    break;

                case Kind.Comment:
                    kinds[i] = Kind.Comment;
                    if (!multiline && c == '\n')
                    {
                        mode = Kind.Code;
                    }
                    else if (multiline && c == '*' && next == '/')
                    {
                        kinds[i + 1] = Kind.Comment;
                        i++;
                        mode = Kind.Code;
                    }

                    break;

                case Kind.String:
                    kinds[i] = Kind.String;
                    if (multiline)
                    {
                        if (string.CompareOrdinal(text, i, "'''", 0, 3) == 0)
                        {
                            kinds[i + 1] = kinds[i + 2] = Kind.String;
                            i += 2;
                            mode = Kind.Code;
                        }
                    }
                    else if (c == '\\' && i + 1 < text.Length)
                    {
                        kinds[++i] = Kind.String;
                    }
                    else if (c == '$' && next == '{')
                    {
                        kinds[i] = kinds[i + 1] = Kind.Interpolation;
                        i++;
                        interpolationDepths.Push(depth);
                        mode = Kind.Code;
                    }
                    else if (c == '\'')
                    {
                        mode = Kind.Code;
                    }
                    else if (c == '\n')
                    {
                        error = $"string starting at line {text.AsSpan(0, modeStart).Count('\n') + 1} is not closed on its line";
                    }

                    break;
            }
        }

        if (mode == Kind.String || (mode == Kind.Comment && multiline))
        {
            error ??= $"{(mode == Kind.String ? "string" : "comment")} starting at line {text.AsSpan(0, modeStart).Count('\n') + 1} is never closed";
        }

        return kinds;
    }

    [GeneratedRegex(@"^[ \t]*param[ \t]+(?<name>\w+)[ \t]+(?<rest>[^\r\n]*)$", RegexOptions.Multiline)]
    private static partial Regex ParamDeclaration();

    [GeneratedRegex(@"^[ \t]*module[ \t]+(?<symbol>\w+)[ \t]+'(?<path>[^']+)'[ \t]*=", RegexOptions.Multiline)]
    private static partial Regex ModuleDeclaration();

    [GeneratedRegex(@"(?<![\w.])params\s*:\s*\{")]
    private static partial Regex ParamsProperty();

    [GeneratedRegex(@"\G(?<name>[A-Za-z_]\w*)[ \t]*:")]
    private static partial Regex KeyAtLineStart();

    [GeneratedRegex(@"^[ \t]*'?(?<name>[A-Za-z_]\w*)'?[ \t]*:", RegexOptions.Multiline)]
    private static partial Regex PropertyName();

    [GeneratedRegex(@"'(?<prefix>[A-Za-z]\w*__)\$\{")]
    private static partial Regex InterpolatedKey();

    [GeneratedRegex(@"^[ \t]*(?:param|var|resource|module|output|targetScope|type|func|import|metadata)\b[^\r\n]*", RegexOptions.Multiline)]
    private static partial Regex DeclarationKeyword();
}
