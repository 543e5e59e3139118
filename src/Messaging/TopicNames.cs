namespace StreamRec.Messaging;

/// <summary>The topics between the pipeline stages (DESIGN.md); every name is configurable.</summary>
public sealed class TopicNames
{
    public string Raw { get; set; } = "streamrec.events.raw";

    public string Clean { get; set; } = "streamrec.events.clean";

    public string Embedded { get; set; } = "streamrec.events.embedded";

    public string DeadLetter { get; set; } = "streamrec.events.dlq";

    public string Mutations { get; set; } = "streamrec.mutations";

    public string Recommendations { get; set; } = "streamrec.recommendations";

    /// <summary>The catalog topic: the public items, the Recommender's only candidates (Embedder:ConsumeCatalog).</summary>
    public string Catalog { get; set; } = "streamrec.catalog";

    /// <summary>The billboard: per-cluster item counts released with user-level DP (the Recommender's billboard worker).</summary>
    public string Billboard { get; set; } = "streamrec.billboard";

    public IReadOnlyList<string> All => [Raw, Clean, Embedded, DeadLetter, Mutations, Recommendations, Catalog, Billboard];
}
