using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace StripeWebhooks.Tests.Functions;

/// <summary>
/// The part of a <see cref="FunctionContext"/> the worker's activator reads: the invocation's services. Everything
/// else belongs to the gRPC invocation the Functions host would have sent, which these tests do not have.
/// </summary>
public sealed class InvocationContext(IServiceProvider instanceServices) : FunctionContext
{
    public override string InvocationId { get; } = Guid.NewGuid().ToString();

    public override string FunctionId => throw new NotSupportedException();

    public override TraceContext TraceContext => throw new NotSupportedException();

    public override BindingContext BindingContext => throw new NotSupportedException();

    public override RetryContext RetryContext => throw new NotSupportedException();

    public override IServiceProvider InstanceServices { get; set; } = instanceServices;

    public override FunctionDefinition FunctionDefinition => throw new NotSupportedException();

    public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();

    public override IInvocationFeatures Features => throw new NotSupportedException();
}
