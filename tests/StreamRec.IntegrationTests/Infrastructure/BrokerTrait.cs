namespace StreamRec.IntegrationTests.Infrastructure;

/// <summary>
/// The trait of tests that need the embedded broker itself (its fault injection, its process, its
/// limits): <c>[Trait(BrokerTrait.Name, BrokerTrait.EmbeddedOnly)]</c>. A container-mode run filters them
/// out (<c>Broker!=EmbeddedOnly</c>, see scripts/test.sh); they are not skipped.
/// </summary>
public static class BrokerTrait
{
    public const string Name = "Broker";

    public const string EmbeddedOnly = "EmbeddedOnly";
}
