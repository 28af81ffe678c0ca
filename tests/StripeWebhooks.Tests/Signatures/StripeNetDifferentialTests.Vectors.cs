using System.Globalization;
using System.Text;
using StripeWebhooks.Tests.Support;

namespace StripeWebhooks.Tests.Signatures;

/// <summary>The seeded generator of <see cref="StripeNetDifferentialTests"/>' vectors: requests of every header shape.</summary>
public partial class StripeNetDifferentialTests
{
    /// <summary>A header of a listed shape around <paramref name="v1"/>, for a request at <paramref name="t"/>.</summary>
    private static string Shaped(string shape, long t, string v1, Random random) => shape switch
    {
        "whitespace" => random.Next(3) switch { 0 => $"t={t}, v1={v1}", 1 => $" t={t},v1={v1}", _ => $"t={t},v1={v1}\t" },
        "t-form" => $"t={new string('0', random.Next(1, 4))}{t},v1={v1}",
        "two-t" => $"t={t},t={t + random.Next(1, 1000)},v1={v1}",
        "no-equals" => random.Next(2) == 0 ? $"t={t},v1={v1},v0" : $"t={t},v1={v1},",
        "not-utf8" => $"t={t},v1={v1}",
        _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, null),
    };

    private static Vector Generate(Random random)
    {
        string[] secrets = random.Next(3) == 0 ? [Secret(random), Secret(random)] : [Secret(random)];
        var tolerance = random.Next(6) switch { 0 => 1, 1 => 60, 2 => 600, _ => 300 };
        var sign = random.Next(2) == 0 ? -1 : 1;
        long offset = random.Next(8) switch
        {
            0 => 0,
            1 => sign * tolerance,
            2 => sign * (tolerance + 1),
            3 => sign * Math.Max(0, tolerance - 1),
            4 => random.Next(-2 * tolerance, (2 * tolerance) + 1),
            5 => random.Next(-10_000_000, 10_000_001),
            _ => random.Next(-tolerance, tolerance + 1),
        };
        var t = Now + offset;
        var text = Body(random);
        var body = Encoding.UTF8.GetBytes(text);

        var items = new List<string> { "t=" + t.ToString(CultureInfo.InvariantCulture) };
        for (var n = random.Next(1, 4); n > 0; n--)
        {
            items.Add("v1=" + random.Next(6) switch
            {
                0 or 1 or 2 => StripeSigner.V1(secrets[random.Next(secrets.Length)], t, body),
                3 => StripeSigner.V1(Secret(random), t, body),
                4 => StripeSigner.V1(secrets[0], t + random.Next(1, 400), body),
                _ => RandomHex(random, 64),
            });
        }

        if (random.Next(4) == 0)
        {
            // Test-mode deliveries carry a v0 too; a correct one must not count.
            items.Add("v0=" + (random.Next(2) == 0 ? RandomHex(random, 64) : StripeSigner.V1(secrets[0], t, body)));
        }

        var header = string.Join(',', items);
        switch (random.Next(22))
        {
            case 0: header = MutateHex(header, random); break;
            case 1: header = header.Replace("v1=", "v1=" + "0123456789abcdef"[random.Next(16)], StringComparison.Ordinal); break;
            case 2: header = TruncateSignatures(header); break;
            case 3: header = header.ToUpperInvariant().Replace("T=", "t=", StringComparison.Ordinal).Replace("V1=", "v1=", StringComparison.Ordinal).Replace("V0=", "v0=", StringComparison.Ordinal); break;
            case 4: header = header.Replace("t=" + t, "t=" + (t + random.Next(1, 6)), StringComparison.Ordinal); break;
            case 5: header = header.Replace("t=" + t, "t=" + (t - random.Next(1, 6)), StringComparison.Ordinal); break;
            case 6: body = Encoding.UTF8.GetBytes(MutateText(text, random)); break;
            case 7: body = [.. body, (byte)'\n']; break;
            case 8: header = string.Join(',', items.Where(item => !item.StartsWith("t=", StringComparison.Ordinal))); break;
            case 9: header = string.Join(',', items.Where(item => !item.StartsWith("v1=", StringComparison.Ordinal))); break;
            case 10: header = string.Join(',', items.OrderBy(_ => random.Next())); break;
            case 11: header += ",v2=" + RandomHex(random, 64) + ",scheme=unknown"; break;
            case 12: header = header.Replace("v1=", random.Next(2) == 0 ? "V1=" : "v1 =", StringComparison.Ordinal); break;
            case 13: header += ",v1="; break;
            case 14: header = "t=" + random.NextInt64(0, long.MaxValue) + header[header.IndexOf(',', StringComparison.Ordinal)..]; break;
            case 15: header = header.Replace("t=", random.Next(2) == 0 ? "t=-" : "t=x", StringComparison.Ordinal); break;
            case 16: header = Shaped(Shapes[random.Next(4)], t, items.Count > 1 ? items[1][3..] : RandomHex(random, 64), random); break;
            case 17: header = random.Next(2) == 0 ? "" : RandomHeaderNoise(random); break;
            default: break;
        }

        return new Vector(header, body, secrets, tolerance, offset);
    }

    /// <summary>A secret like Stripe's, sometimes with non-ASCII characters (Stripe's are ASCII; UTF-8 is what both sides key with).</summary>
    private static string Secret(Random random) =>
        "whsec_" + (random.Next(3) == 0 ? RandomText(random, random.Next(1, 40)) : RandomAlphanumeric(random, 32));

    private static string Body(Random random) =>
        """{"id":"evt_""" + RandomAlphanumeric(random, 24) + """","object":"event","type":"customer.updated","data":{"object":{"name":""""
        + RandomText(random, random.Next(0, 200)) + "\"}}}";

    private static byte[] NotUtf8Body(Random random) =>
        [.. Encoding.UTF8.GetBytes(Body(random)), 0xC3, 0x28, (byte)random.Next(0x80, 0xC0)];

    /// <summary>Text from ASCII, Latin-1, Greek, CJK and astral-plane pools (surrogates always paired): valid UTF-16 and UTF-8.</summary>
    private static string RandomText(Random random, int length)
    {
        var text = new StringBuilder(length * 2);
        for (var i = 0; i < length; i++)
        {
            _ = random.Next(6) switch
            {
                0 => text.Append((char)random.Next(0xE0, 0x100)),
                1 => text.Append((char)random.Next(0x3B1, 0x3CA)),
                2 => text.Append((char)random.Next(0x4E00, 0x4F00)),
                3 => text.Append(char.ConvertFromUtf32(random.Next(0x1F600, 0x1F650))),
                _ => text.Append((char)random.Next('a', 'z' + 1)),
            };
        }

        return text.ToString();
    }

    private static string RandomAlphanumeric(Random random, int length) =>
        string.Create(length, random, (span, r) =>
        {
            const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[r.Next(alphabet.Length)];
            }
        });

    private static string RandomHex(Random random, int length)
    {
        var bytes = new byte[(length + 1) / 2];
        random.NextBytes(bytes);
        return Convert.ToHexStringLower(bytes)[..length];
    }

    private static string RandomHeaderNoise(Random random)
    {
        const string alphabet = "tv01=,abcdef9 ";
        return string.Concat(Enumerable.Range(0, random.Next(1, 90)).Select(_ => alphabet[random.Next(alphabet.Length)]));
    }

    /// <summary>Changes one hex digit of one signature to another hex digit.</summary>
    private static string MutateHex(string header, Random random)
    {
        var start = header.IndexOf("v1=", StringComparison.Ordinal);
        if (start < 0 || start + 3 + 64 > header.Length)
        {
            return header;
        }

        var position = start + 3 + random.Next(64);
        var chars = header.ToCharArray();
        chars[position] = chars[position] == '0' ? '1' : '0';
        return new string(chars);
    }

    private static string TruncateSignatures(string header) =>
        string.Join(',', header.Split(',').Select(item => item.StartsWith("v1=", StringComparison.Ordinal) && item.Length > 4 ? item[..^1] : item));

    private static string MutateText(string text, Random random)
    {
        var position = random.Next(text.Length);
        return char.IsSurrogate(text[position]) ? text + " " : text[..position] + (text[position] == 'x' ? 'y' : 'x') + text[(position + 1)..];
    }

    private static bool IsUtf8(byte[] body)
    {
        try
        {
            StrictUtf8.GetString(body);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
