using System.Globalization;
using System.Text;

namespace StripeWebhooks.Tests.Infra;

/// <summary>
/// An ARM template language expression, the <c>"[...]"</c> strings Bicep compiles to: literals, function calls,
/// <c>.member</c> and <c>[index]</c>. Only parsed, never evaluated: the infra tests read the structure
/// (<c>createObject</c>'s keys, <c>format</c>'s pattern, the role id in <c>subscriptionResourceId</c>).
/// </summary>
internal abstract record ArmExpression
{
    /// <summary>A string, integer or boolean; a JSON value that is not an expression parses to one too.</summary>
    public sealed record Literal(object Value) : ArmExpression;

    public sealed record Call(string Name, IReadOnlyList<ArmExpression> Arguments) : ArmExpression;

    public sealed record Member(ArmExpression Target, string Name) : ArmExpression;

    public sealed record Index(ArmExpression Target, ArmExpression Key) : ArmExpression;

    /// <summary>Parses a template string: an expression when it is <c>[...]</c>, a literal otherwise (<c>[[</c> escapes).</summary>
    public static ArmExpression Parse(string text)
    {
        if (!IsExpression(text))
        {
            return new Literal(text.StartsWith("[[", StringComparison.Ordinal) ? text[1..] : text);
        }

        var parser = new Parser(text[1..^1]);
        var expression = parser.Expression();
        parser.End();
        return expression;
    }

    public static bool IsExpression(string text) =>
        text.Length >= 2 && text[0] == '[' && text[^1] == ']' && !text.StartsWith("[[", StringComparison.Ordinal);

    /// <summary>This node and every node under it.</summary>
    public IEnumerable<ArmExpression> DescendantsAndSelf()
    {
        yield return this;
        var children = this switch
        {
            Call call => call.Arguments,
            Member member => [member.Target],
            Index index => [index.Target, index.Key],
            _ => [],
        };
        foreach (var descendant in children.SelectMany(c => c.DescendantsAndSelf()))
        {
            yield return descendant;
        }
    }

    /// <summary>The literal string, or null for anything else.</summary>
    public string? AsString() => this is Literal { Value: string s } ? s : null;

    private sealed class Parser(string text)
    {
        private int _position;

        public ArmExpression Expression()
        {
            var expression = Primary();
            while (true)
            {
                SkipSpace();
                if (TryTake('.'))
                {
                    expression = new Member(expression, Identifier());
                }
                else if (TryTake('['))
                {
                    expression = new Index(expression, Expression());
                    Expect(']');
                }
                else
                {
                    return expression;
                }
            }
        }

        public void End()
        {
            SkipSpace();
            if (_position != text.Length)
            {
                throw Error("end of expression");
            }
        }

        private ArmExpression Primary()
        {
            SkipSpace();
            if (_position >= text.Length)
            {
                throw Error("an expression");
            }

            var c = text[_position];
            if (c == '\'')
            {
                return new Literal(StringLiteral());
            }

            if (char.IsAsciiDigit(c) || c == '-')
            {
                var start = _position++;
                while (_position < text.Length && char.IsAsciiDigit(text[_position]))
                {
                    _position++;
                }

                return new Literal(long.Parse(text.AsSpan(start, _position - start), CultureInfo.InvariantCulture));
            }

            var name = Identifier();
            Expect('(');
            var arguments = new List<ArmExpression>();
            SkipSpace();
            if (!TryTake(')'))
            {
                do
                {
                    arguments.Add(Expression());
                    SkipSpace();
                }
                while (TryTake(','));
                Expect(')');
            }

            return name switch
            {
                "true" or "false" when arguments.Count == 0 => new Literal(name == "true"),
                _ => new Call(name, arguments),
            };
        }

        private string StringLiteral()
        {
            var value = new StringBuilder();
            _position++; // opening quote
            while (true)
            {
                if (_position >= text.Length)
                {
                    throw Error("a closing quote");
                }

                var c = text[_position++];
                if (c != '\'')
                {
                    value.Append(c);
                }
                else if (_position < text.Length && text[_position] == '\'')
                {
                    value.Append('\''); // '' is an escaped quote
                    _position++;
                }
                else
                {
                    return value.ToString();
                }
            }
        }

        private string Identifier()
        {
            SkipSpace();
            var start = _position;
            while (_position < text.Length && (char.IsAsciiLetterOrDigit(text[_position]) || text[_position] == '_'))
            {
                _position++;
            }

            return _position > start ? text[start.._position] : throw Error("a name");
        }

        private void SkipSpace()
        {
            while (_position < text.Length && char.IsWhiteSpace(text[_position]))
            {
                _position++;
            }
        }

        private bool TryTake(char c)
        {
            SkipSpace();
            if (_position < text.Length && text[_position] == c)
            {
                _position++;
                return true;
            }

            return false;
        }

        private void Expect(char c)
        {
            if (!TryTake(c))
            {
                throw Error($"'{c}'");
            }
        }

        private FormatException Error(string expected) =>
            new($"ARM expression: expected {expected} at {_position} in [{text}]");
    }
}
