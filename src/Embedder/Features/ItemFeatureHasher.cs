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

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> StopWordLookup = StopWords.GetAlternateLookup<ReadOnlySpan<char>>();

    // Per-thread scratch space of Write (the embedder may encode from several threads).
    [ThreadStatic]
    private static Scratch? _scratch;

    private readonly ulong _seededBasis;

    public ItemFeatureHasher(ItemFeatureHashingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.VocabularySize, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxFeatures, 1);
        Options = options;
        var hash = OffsetBasis;
        for (var shift = 0; shift < 32; shift += 8)
        {
            hash = (hash ^ ((options.Seed >> shift) & 0xFF)) * Prime;
        }

        _seededBasis = hash;
    }

    private const ulong OffsetBasis = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    private enum Kind
    {
        Item,
        Category,
        Decade,
        Tag,
        Word,
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
    /// Same ids as hashing <see cref="Features"/> one by one, without building a string per feature: this
    /// runs for every item the embedder has not cached (the string version made it half the embedder's time).
    /// </summary>
    public int Write(ItemAttributes item, Span<long> ids, Span<float> mask)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (ids.Length != Options.MaxFeatures || mask.Length != Options.MaxFeatures)
        {
            throw new ArgumentException($"ids and mask must have length {Options.MaxFeatures}.");
        }

        ids.Clear();
        mask.Clear();
        var scratch = _scratch ??= new Scratch();
        scratch.Reset(Options.MaxFeatures);
        var writer = new FeatureWriter(this, scratch, ids, mask);
        writer.Add(Kind.Item, item.ItemId);
        foreach (var category in item.Categories ?? [])
        {
            writer.AddLowered(Kind.Category, category.AsSpan().Trim());
        }

        var title = (item.Title ?? "").AsSpan().Trim();
        var year = TrailingYear(ref title);
        if (year is { } y)
        {
            Span<char> decade = stackalloc char[16];
            (y / 10 * 10).TryFormat(decade, out var written, default, System.Globalization.CultureInfo.InvariantCulture);
            decade[written++] = 's';
            writer.Add(Kind.Decade, decade[..written]);
        }

        foreach (var tag in item.Tags ?? [])
        {
            writer.AddLowered(Kind.Tag, tag.AsSpan().Trim());
        }

        if (!title.IsEmpty && !writer.Full)
        {
            var lowered = scratch.Borrow(title.Length);
            title.ToLowerInvariant(lowered);
            var start = 0;
            for (var i = 0; i <= lowered.Length && !writer.Full; i++)
            {
                if (i < lowered.Length && char.IsLetterOrDigit(lowered[i]))
                {
                    continue;
                }

                var word = lowered[start..i];
                if (word.Length > 1 && !StopWordLookup.Contains(word))
                {
                    writer.Add(Kind.Word, word);
                }

                start = i + 1;
            }
        }

        return writer.Count;
    }

    /// <summary>The row of the embedding table for one "kind:value" feature.</summary>
    public long Hash(string feature)
    {
        ArgumentNullException.ThrowIfNull(feature);
        var hash = _seededBasis;
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
            hash = (hash ^ b) * Prime;
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

        var span = title.AsSpan().Trim();
        var year = TrailingYear(ref span);
        var text = span.ToString();

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

    /// <summary>Removes a trailing "(YYYY)" from <paramref name="title"/> and returns the year, if there is one.</summary>
    private static int? TrailingYear(ref ReadOnlySpan<char> title)
    {
        if (title.Length >= 6 && title[^1] == ')' && title[^6] == '(' &&
            int.TryParse(title.Slice(title.Length - 5, 4), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var year))
        {
            title = title[..^6];
            return year;
        }

        return null;
    }

    private static string KindName(Kind kind) => kind switch
    {
        Kind.Item => "item",
        Kind.Category => "cat",
        Kind.Decade => "decade",
        Kind.Tag => "tag",
        _ => "word",
    };

    /// <summary>Reusable buffers of one thread's <see cref="Write"/> calls.</summary>
    private sealed class Scratch
    {
        public char[] Chars { get; private set; } = new char[1024];

        public byte[] Bytes { get; private set; } = new byte[1024];

        public int Used { get; set; }

        public (Kind Kind, int Start, int Length)[] Seen { get; private set; } = new (Kind, int, int)[16];

        public void Reset(int maxFeatures)
        {
            Used = 0;
            if (Seen.Length < maxFeatures)
            {
                Seen = new (Kind, int, int)[maxFeatures];
            }
        }

        /// <summary>A span of <paramref name="length"/> chars after those in use (grows the buffer when needed).</summary>
        public Span<char> Borrow(int length)
        {
            if (Used + length > Chars.Length)
            {
                var grown = new char[Math.Max(Chars.Length * 2, Used + length)];
                Chars.AsSpan(0, Used).CopyTo(grown);
                Chars = grown;
            }

            var span = Chars.AsSpan(Used, length);
            Used += length;
            return span;
        }

        public Span<byte> ByteBuffer(int length)
        {
            if (length > Bytes.Length)
            {
                Bytes = new byte[Math.Max(Bytes.Length * 2, length)];
            }

            return Bytes.AsSpan(0, length);
        }
    }

    /// <summary>Adds features in order, skipping repeats, until the sequence is full.</summary>
    private ref struct FeatureWriter(ItemFeatureHasher hasher, Scratch scratch, Span<long> ids, Span<float> mask)
    {
        private readonly Span<long> _ids = ids;
        private readonly Span<float> _mask = mask;

        public int Count { get; private set; }

        public readonly bool Full => Count >= _ids.Length;

        public void AddLowered(Kind kind, scoped ReadOnlySpan<char> value)
        {
            if (value.IsEmpty || Full)
            {
                return;
            }

            var lowered = scratch.Borrow(value.Length);
            value.ToLowerInvariant(lowered);
            Add(kind, lowered);
        }

        public void Add(Kind kind, scoped ReadOnlySpan<char> value)
        {
            if (value.IsEmpty || Full)
            {
                return;
            }

            for (var i = 0; i < Count; i++)
            {
                var (seenKind, start, length) = scratch.Seen[i];
                if (seenKind == kind && scratch.Chars.AsSpan(start, length).SequenceEqual(value))
                {
                    return;
                }
            }

            // Remember the value (it may live in a caller's buffer) for the repeat check above.
            var kept = scratch.Borrow(value.Length);
            value.CopyTo(kept);
            scratch.Seen[Count] = (kind, scratch.Used - value.Length, value.Length);

            var hash = hasher._seededBasis;
            foreach (var c in KindName(kind))
            {
                hash = (hash ^ c) * Prime;
            }

            hash = (hash ^ 0x1F) * Prime;
            var bytes = scratch.ByteBuffer(System.Text.Encoding.UTF8.GetMaxByteCount(value.Length));
            var written = System.Text.Encoding.UTF8.GetBytes(value, bytes);
            foreach (var b in bytes[..written])
            {
                hash = (hash ^ b) * Prime;
            }

            _ids[Count] = (long)(hash % (ulong)hasher.Options.VocabularySize);
            _mask[Count] = 1f;
            Count++;
        }
    }
}
