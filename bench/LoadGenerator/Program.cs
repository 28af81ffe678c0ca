using StripeWebhooks.Bench;

// bench/run drives this; see bench/README.md. Modes:
//   load  --url U --secret S --connection-string C [--events 20000] [--redelivered 0.2] [--concurrency 16] [--warmup 30000]
//   pgbench-script   (prints the pgbench script of the processor's transaction; see PgbenchScript)
//   tiers --url U --secret S --connection-string C [--events 20000] [--segments 12] [--subscriptions 2000] [--redelivered 0.2] [--concurrency 16] [--warmup 30000]
//   purge --url U --secret S --connection-string C [--rows 1000000] [--events 20000] [--idle-events 100000] [--concurrency 16] [--warmup 30000]
if (args is ["pgbench-script"])
{
    Console.Write(PgbenchScript.Build());
    return 0;
}

if (args.Length == 0 || args[0] is not ("load" or "tiers" or "purge"))
{
    await Console.Error.WriteLineAsync("usage: load-generator pgbench-script | load-generator load|tiers|purge --url http://127.0.0.1:PORT/api/stripe/webhook --secret whsec_... --connection-string ... [options]");
    return 2;
}

try
{
    var arguments = new Arguments(args.Skip(1));
    using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(arguments.Int("timeout-minutes", 10)));
    return args[0] switch
    {
        "load" => await LoadScenario.RunAsync(arguments, timeout.Token),
        "tiers" => await TiersScenario.RunAsync(arguments, timeout.Token),
        _ => await PurgeScenario.RunAsync(arguments, timeout.Token),
    };
}
catch (ArgumentException ex)
{
    await Console.Error.WriteLineAsync("error: " + ex.Message);
    return 2;
}
