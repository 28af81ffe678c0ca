using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using StripeWebhooks.WebhookFunction;

// Wiring only; the tests build the same host through AddStripeWebhookFunctions.
var builder = FunctionsApplication.CreateBuilder(args);
builder.AddStripeWebhookFunctions();
await builder.Build().RunAsync();
