using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using StripeWebhooks;

// Wiring only. AddStripeWebhooks is the registration `webhooks serve` calls too; its options are validated
// when the host starts (ValidateOnStart), so a misconfigured app stops at start-up naming the key.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddStripeWebhooks(builder.Configuration);

await builder.Build().RunAsync();
