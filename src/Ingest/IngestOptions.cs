namespace StreamRec.Ingest;

/// <summary>Configuration of the Ingest stage (section "Ingest"). Validated at start by <see cref="IngestOptionsValidator"/>.</summary>
public sealed class IngestOptions
{
    public const string SectionName = "Ingest";

    /// <summary>
    /// Secret key of the user pseudonyms (HMAC-SHA256), base64, at least 32 bytes. Required: without it
    /// Ingest refuses to start (the demo generates a throwaway one). Keep it in a Secret; rotating it
    /// changes every pseudonym, i.e. starts every user afresh.
    /// </summary>
    public string PseudonymKey { get; set; } = "";

    /// <summary>Bytes of the HMAC kept as the pseudonym (hex-encoded: twice as many characters). 16 = 128 bits.</summary>
    public int PseudonymBytes { get; set; } = 16;

    /// <summary>Largest accepted record value, in bytes.</summary>
    public int MaxEventBytes { get; set; } = 16 * 1024;

    /// <summary>Weight of each accepted event type, in (0, 1]; types not listed are rejected.</summary>
    public Dictionary<string, float> EventTypeWeights { get; set; } = new(StringComparer.Ordinal)
    {
        ["view"] = 0.25f,
        ["click"] = 0.5f,
        ["add_to_cart"] = 0.75f,
        ["purchase"] = 1.0f,
    };

    /// <summary>Events older than this are rejected (the default admits MovieLens' 1995-2016 history).</summary>
    public DateTimeOffset EarliestTimestamp { get; set; } = new(1995, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Optional: events older than this relative to now are rejected. Off by default.</summary>
    public TimeSpan? MaxEventAge { get; set; }

    /// <summary>How far in the future an event time may be (producers' clock skew).</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Longest accepted id (event_id, user_id, item_id), in characters.</summary>
    public int MaxIdLength { get; set; } = 256;

    /// <summary>Most categories or tags an event may carry.</summary>
    public int MaxListItems { get; set; } = 64;

    /// <summary>Consumer group of the Ingest workers.</summary>
    public string GroupId { get; set; } = "streamrec-ingest";

    public int MaxBatchSize { get; set; } = 512;

    public TimeSpan MaxBatchWait { get; set; } = TimeSpan.FromMilliseconds(20);
}
