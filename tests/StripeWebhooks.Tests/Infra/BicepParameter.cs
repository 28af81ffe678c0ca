namespace StripeWebhooks.Tests.Infra;

/// <summary>A <c>param</c> declaration: its name, the rest of the line, its default (null when none) and whether it is <c>@secure()</c>.</summary>
internal sealed record BicepParameter(string Name, string Declaration, string? Default, bool IsSecure)
{
    public bool HasDefault => Default is not null;
}
