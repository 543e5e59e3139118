using StreamRec.Ingest;

namespace StreamRec.UnitTests.Ingest;

public sealed class IngestOptionsValidatorTests
{
    private static readonly string GoodKey = Convert.ToBase64String(new byte[32]);

    [Fact]
    public void Defaults_with_a_key_are_valid()
    {
        Assert.True(new IngestOptionsValidator().Validate(null, new IngestOptions { PseudonymKey = GoodKey }).Succeeded);
    }

    [Theory]
    [InlineData("", "Ingest:PseudonymKey is required")]
    [InlineData("not base64!", "Ingest:PseudonymKey is not valid base64")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA==", "Ingest:PseudonymKey must decode to at least 32 bytes")]
    public void A_missing_or_weak_pseudonym_key_stops_the_start_naming_the_key(string key, string message)
    {
        var result = new IngestOptionsValidator().Validate(null, new IngestOptions { PseudonymKey = key });

        Assert.True(result.Failed);
        Assert.Contains(message, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Impossible_values_are_each_reported_with_their_key()
    {
        var options = new IngestOptions
        {
            PseudonymKey = GoodKey,
            PseudonymBytes = 4,
            MaxEventBytes = 10,
            MaxBatchSize = 0,
            EventTypeWeights = new() { ["view"] = 0f, ["purchase"] = 2f },
        };

        var message = new IngestOptionsValidator().Validate(null, options).FailureMessage;

        foreach (var key in new[] { "Ingest:PseudonymBytes", "Ingest:MaxEventBytes", "Ingest:MaxBatchSize", "Ingest:EventTypeWeights:view", "Ingest:EventTypeWeights:purchase" })
        {
            Assert.Contains(key, message, StringComparison.Ordinal);
        }
    }
}
