using StripeWebhooks.Cli;

return await WebhooksCli.RunAsync(args);
