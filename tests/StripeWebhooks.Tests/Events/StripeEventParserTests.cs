using System.Text;
using StripeWebhooks.Development;
using StripeWebhooks.Events;

namespace StripeWebhooks.Tests.Events;

public class StripeEventParserTests
{
    [Fact]
    public void Envelope_fields_are_read_and_data_object_is_kept_raw()
    {
        var body = SampleEvents.ToBytes(SampleEvents.Build("customer.subscription.updated", "evt_abc", 1_700_000_000, subscriptionId: "sub_1"));
        Assert.True(StripeEventParser.TryParse(body, out var parsed, out var error), error);
        Assert.Equal("evt_abc", parsed.Id);
        Assert.Equal("customer.subscription.updated", parsed.Type);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), parsed.Created);
        Assert.Equal(SampleEvents.CurrentApiVersion, parsed.ApiVersion);
        Assert.False(parsed.Livemode);
        var dataObject = Encoding.UTF8.GetString(parsed.DataObject.Span);
        Assert.StartsWith("{", dataObject, StringComparison.Ordinal);
        Assert.Contains("\"id\":\"sub_1\"", dataObject, StringComparison.Ordinal);
        Assert.EndsWith("}", dataObject, StringComparison.Ordinal);
    }

    [Fact]
    public void The_official_fixture_parses_with_its_account()
    {
        var body = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Signatures", "event_test_signature.json"));
        Assert.True(StripeEventParser.TryParse(body, out var parsed, out _));
        Assert.Equal("acct_123", parsed.Account);
        Assert.Equal("2017-05-25", parsed.ApiVersion);
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("{")]
    [InlineData("{}")]
    [InlineData("""{"id":"evt_1"}""")]
    [InlineData("""{"type":"x","data":{"object":{}}}""")]
    [InlineData("""{"id":"evt_1","type":"x","data":{"object":{}}}""")]
    [InlineData("""{"id":"evt_1","type":"x"}""")]
    [InlineData("""{"id":"evt_1","type":"x","data":{"object":[]}}""")]
    [InlineData("""{"id":1,"type":"x","data":{"object":{}}}""")]
    [InlineData("""{"id":"evt_1","type":"x","data":{"object":{}},"created":"yesterday"}""")]
    [InlineData("""{"id":"evt_1","type":"x","object":"customer","data":{"object":{}}}""")]
    [InlineData("""{"id":"evt_1","type":"x","data":{"object":{}}} trailing""")]
    [InlineData("""{"id":"","type":"x","data":{"object":{}}}""")]
    public void Json_that_is_not_a_stripe_event_is_malformed(string body) =>
        Assert.False(StripeEventParser.TryParse(Encoding.UTF8.GetBytes(body), out _, out _));

    [Fact]
    public void Deeply_nested_json_is_refused_not_crashed_on()
    {
        var body = """{"id":"evt_1","type":"x","data":{"object":""" + new string('[', 10_000) + new string(']', 10_000) + "}}";
        Assert.False(StripeEventParser.TryParse(Encoding.UTF8.GetBytes(body), out _, out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void Invalid_utf8_is_refused()
    {
        var body = Encoding.UTF8.GetBytes("""{"id":"evt_1","type":"x","data":{"object":{"a":"__"}}}""");
        body[^5] = 0xFF;
        Assert.False(StripeEventParser.TryParse(body, out _, out _));
    }
}
