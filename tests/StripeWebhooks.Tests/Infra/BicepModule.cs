namespace StripeWebhooks.Tests.Infra;

/// <summary>A <c>module</c> declaration: the file it points at and the parameter names it passes.</summary>
internal sealed record BicepModule(string Symbol, string RelativePath, IReadOnlySet<string> PassedParameters);
