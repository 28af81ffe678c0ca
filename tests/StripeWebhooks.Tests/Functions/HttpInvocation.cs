using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace StripeWebhooks.Tests.Functions;

/// <summary>
/// One HTTP invocation the way the ASP.NET Core integration runs it: a real <see cref="HttpContext"/> carrying the
/// request, the function's <see cref="IResult"/> executed against it, and the response read back.
/// </summary>
public sealed class HttpInvocation : IAsyncDisposable
{
    private readonly AsyncServiceScope _scope;
    private readonly MemoryStream _responseBody = new();

    private HttpInvocation(FunctionApp app, string method, string path, byte[] body, IReadOnlyDictionary<string, string> headers)
    {
        _scope = app.Services.CreateAsyncScope();
        App = app;
        Context = new DefaultHttpContext { RequestServices = _scope.ServiceProvider };
        Context.Request.Method = method;
        Context.Request.Path = path;
        Context.Request.ContentType = "application/json";
        Context.Request.Body = new MemoryStream(body);
        Context.Request.ContentLength = body.Length;
        foreach (var (name, value) in headers)
        {
            Context.Request.Headers[name] = value;
        }

        Context.Response.Body = _responseBody;
    }

    public FunctionApp App { get; }

    public HttpContext Context { get; }

    public HttpRequest Request => Context.Request;

    /// <summary>The function class, created from this invocation's services.</summary>
    public TFunction Function<TFunction>()
        where TFunction : class =>
        App.Activate<TFunction>(_scope.ServiceProvider);

    public static HttpInvocation Post(FunctionApp app, string path, byte[] body, IReadOnlyDictionary<string, string>? headers = null) =>
        new(app, "POST", path, body, headers ?? new Dictionary<string, string>());

    public static HttpInvocation Get(FunctionApp app, string path) =>
        new(app, "GET", path, [], new Dictionary<string, string>());

    /// <summary>Executes <paramref name="result"/> as the integration does and returns the status and JSON body.</summary>
    public async Task<(int Status, JsonElement Body)> ExecuteAsync(IResult result)
    {
        await result.ExecuteAsync(Context);
        var text = System.Text.Encoding.UTF8.GetString(_responseBody.ToArray());
        return (Context.Response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    public async ValueTask DisposeAsync()
    {
        await _scope.DisposeAsync();
        await _responseBody.DisposeAsync();
    }
}
