using System.IO.Compression;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace StripeWebhooks.Tests.Support;

/// <summary>A local OTLP/HTTP receiver (<c>/v1/traces</c>, <c>/v1/metrics</c>, <c>/v1/logs</c>) that keeps every export's bytes.</summary>
public sealed class OtlpSink : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<(string Path, byte[] Body)> _exports = [];

    private OtlpSink(WebApplication app, string endpoint)
    {
        _app = app;
        Endpoint = endpoint;
    }

    /// <summary>For <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>: the exporter appends <c>/v1/traces</c> and the like.</summary>
    public string Endpoint { get; }

    /// <summary>Every export received so far: its path and its (decompressed) protobuf body.</summary>
    public IReadOnlyList<(string Path, byte[] Body)> Exports
    {
        get
        {
            lock (_exports)
            {
                return [.. _exports];
            }
        }
    }

    public IReadOnlyList<OtlpSpan> Spans =>
        [.. Exports.Where(e => e.Path == "/v1/traces").SelectMany(e => OtlpTraceDecoder.Spans(e.Body))];

    public static async Task<OtlpSink> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var sink = default(OtlpSink);
        app.MapPost("/v1/{signal}", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            var content = request.Headers.ContentEncoding == "gzip" ? new GZipStream(request.Body, CompressionMode.Decompress) : request.Body;
            await content.CopyToAsync(body);
            lock (sink!._exports)
            {
                sink._exports.Add((request.Path.Value!, body.ToArray()));
            }

            // An empty Export*ServiceResponse: everything accepted.
            return Results.Bytes([], "application/x-protobuf");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        sink = new OtlpSink(app, address);
        return sink;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
