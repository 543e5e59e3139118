using System.Text;

namespace StreamRec.Embedder.Features;

/// <summary>
/// Turns an item's attributes into the encoder's input: up to <c>MaxFeatures</c> hashed feature ids
/// and a mask. Features, in priority order, each hashed once: the item id, its categories, the decade
/// of the year in a GroupLens-style title ("Heat (1995)" gives 1990s), its tags, then the title's words
/// (lower case, stop words and one-letter words left out). Items that share categories or words share
/// rows of the embedding table, which is what lets the encoder place an item it never saw in training
/// near similar ones.
/// <para>
/// Hash: 64-bit FNV-1a over the seed and the UTF-8 of "kind\u001Fvalue", reduced modulo V. Stable across
/// processes and platforms (never <c>string.GetHashCode</c>, which is randomised per process).
/// </para>
/// </summary>
public sealed class ItemFeatureHasher
{
    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "the", "a", "an", "of", "and", "in", "on", "to", "for", "with", "la", "le", "les", "el", "los", "de", "der", "die", "das",
    };

    public ItemFeatureHasher(ItemFeatureHashingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.VocabularySize, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxFeatures, 1);
        Options = options;
    }

    public ItemFeatureHashingOptions Options { get; }

    /// <summary>The features of an item as "kind:value" strings, in priority order, before hashing.</summary>
    public static List<string> Features(ItemAttributes item, int maxFeatures)
    {
        ArgumentNullException.ThrowIfNull(item);
        var features = new List<string>(maxFeatures);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(string kind, string value)
        {
            if (features.Count < maxFeatures && value.Length > 0)
            {
                var feature = $"{kind}:{value}";
                if (seen.Add(feature))
                {
                    features.Add(feature);
                }
            }
        }

        Add("item", item.ItemId);
        foreach (var category in item.Categories ?? [])
        {
            Add("cat", category.Trim().ToLowerInvariant());
        }

        var (words, year) = SplitTitle(item.Title);
        if (year is { } y)
        {
            Add("decade", $"{y / 10 * 10}s");
        }

        foreach (var tag in item.Tags ?? [])
        {
            Add("tag", tag.Trim().ToLowerInvariant());
        }

        foreach (var word in words)
        {
            Add("word", word);
        }

        return features;
    }

    /// <summary>
    /// Writes the item's feature ids into <paramref name="ids"/> and 1/0 into <paramref name="mask"/>
    /// (both of length MaxFeatures); returns how many features were written (at least 1: the item id).
    /// </summary>
    public int Write(ItemAttributes item, Span<long> ids, Span<float> mask)
    {
        if (ids.Length != Options.MaxFeatures || mask.Length != Options.MaxFeatures)
        {
            throw new ArgumentException($"ids and mask must have length {Options.MaxFeatures}.");
        }

        var features = Features(item, Options.MaxFeatures);
        ids.Clear();
        mask.Clear();
        for (var i = 0; i < features.Count; i++)
        {
            ids[i] = Hash(features[i]);
            mask[i] = 1f;
        }

        return features.Count;
    }

    /// <summary>The row of the embedding table for one "kind:value" feature.</summary>
    public long Hash(string feature)
    {
        ArgumentNullException.ThrowIfNull(feature);
        const ulong offsetBasis = 14695981039346656037UL;
        const ulong prime = 1099511628211UL;
        var hash = offsetBasis;
        for (var shift = 0; shift < 32; shift += 8)
        {
            hash = (hash ^ ((Options.Seed >> shift) & 0xFF)) * prime;
        }

        var colon = feature.IndexOf(':', StringComparison.Ordinal);
        Span<byte> buffer = stackalloc byte[256];
        var bytes = Encoding.UTF8.GetMaxByteCount(feature.Length) <= buffer.Length ? buffer : new byte[Encoding.UTF8.GetMaxByteCount(feature.Length)];
        var length = Encoding.UTF8.GetBytes(feature, bytes);
        if (colon >= 0)
        {
            bytes[colon] = 0x1F; // unit separator between kind and value: "cat:a" and "ca:t:a" cannot collide by text
        }

        foreach (var b in bytes[..length])
        {
            hash = (hash ^ b) * prime;
        }

        return (long)(hash % (ulong)Options.VocabularySize);
    }

    /// <summary>Lower-case words of a title and the year of a trailing "(YYYY)", if any.</summary>
    public static (List<string> Words, int? Year) SplitTitle(string? title)
    {
        var words = new List<string>();
        if (string.IsNullOrWhiteSpace(title))
        {
            return (words, null);
        }

        int? year = null;
        var text = title.Trim();
        if (text.Length >= 6 && text[^1] == ')' && text[^6] == '(' &&
            int.TryParse(text.AsSpan(text.Length - 5, 4), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var y))
        {
            year = y;
            text = text[..^6];
        }

        var word = new StringBuilder();
        foreach (var c in text.ToLowerInvariant().Append(' '))
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(c);
                continue;
            }

            if (word.Length > 1 && !StopWords.Contains(word.ToString()))
            {
                words.Add(word.ToString());
            }

            word.Clear();
        }

        return (words, year);
    }
}
