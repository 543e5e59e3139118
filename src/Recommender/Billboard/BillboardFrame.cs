using System.Text;

namespace StreamRec.Recommender.Billboard;

/// <summary>
/// What one window of one model's billboard counts and releases: the public catalog items (ordinal
/// order) and the cluster centroids, fixed when the window is first used and shared by every replica
/// through Redis (SET NX). Freezing them keeps the stored node noise aligned with the items all window
/// long; an item published to the catalog mid-window is counted from the next window on. Everything in
/// it is public: it is derived from the catalog alone.
/// </summary>
public sealed class BillboardFrame
{
    private const byte FormatVersion = 1;

    private readonly Dictionary<string, int> _index;

    public BillboardFrame(string[] items, float[][] centroids)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(centroids);
        Items = items;
        Centroids = centroids;
        _index = new Dictionary<string, int>(items.Length, StringComparer.Ordinal);
        for (var i = 0; i < items.Length; i++)
        {
            _index.Add(items[i], i);
        }
    }

    /// <summary>The public catalog items of the window, ordinal order.</summary>
    public string[] Items { get; }

    /// <summary>k unit centroids (k = 0 only for an empty catalog).</summary>
    public float[][] Centroids { get; }

    public int Clusters => Centroids.Length;

    public int Dimension => Centroids.Length == 0 ? 0 : Centroids[0].Length;

    /// <summary>(cluster, item) cells: the length of a node's noise and of a release.</summary>
    public int Cells => Clusters * Items.Length;

    /// <summary>The item's position in <see cref="Items"/>, or -1 when it is not in the window's public catalog.</summary>
    public int IndexOf(string item) => _index.TryGetValue(item, out var i) ? i : -1;

    /// <summary>Whether <paramref name="other"/> has the very same centroids (then its cluster c is this one's cluster c).</summary>
    public bool SameClusters(BillboardFrame other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return other.Clusters == Clusters && Enumerable.Range(0, Clusters).All(c => Centroids[c].AsSpan().SequenceEqual(other.Centroids[c]));
    }

    /// <summary>
    /// Little-endian: u8 version = 1, i32 k, i32 D, f32 x k x D centroids, i32 n, then n x (i32 UTF-8 length, bytes).
    /// </summary>
    public byte[] Write()
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(FormatVersion);
            WriteCentroids(writer, Centroids);
            writer.Write(Items.Length);
            foreach (var item in Items)
            {
                var bytes = Encoding.UTF8.GetBytes(item);
                writer.Write(bytes.Length);
                writer.Write(bytes);
            }
        }

        return stream.ToArray();
    }

    /// <exception cref="InvalidDataException">Not a frame of this format.</exception>
    public static BillboardFrame Read(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
            if (reader.ReadByte() != FormatVersion)
            {
                throw new InvalidDataException($"A billboard frame has format version {FormatVersion}.");
            }

            var centroids = ReadCentroids(reader);
            var items = new string[reader.ReadInt32()];
            for (var i = 0; i < items.Length; i++)
            {
                items[i] = Encoding.UTF8.GetString(reader.ReadBytes(reader.ReadInt32()));
            }

            return new BillboardFrame(items, centroids);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("A billboard frame is truncated.", e);
        }
    }

    /// <summary>Centroids alone (the per-catalog-size cache): i32 k, i32 D, f32 x k x D.</summary>
    public static byte[] WriteCentroids(float[][] centroids)
    {
        ArgumentNullException.ThrowIfNull(centroids);
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            WriteCentroids(writer, centroids);
        }

        return stream.ToArray();
    }

    /// <exception cref="InvalidDataException">Not centroids of this format.</exception>
    public static float[][] ReadCentroids(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
            return ReadCentroids(reader);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("Stored billboard centroids are truncated.", e);
        }
    }

    private static void WriteCentroids(BinaryWriter writer, float[][] centroids)
    {
        writer.Write(centroids.Length);
        writer.Write(centroids.Length == 0 ? 0 : centroids[0].Length);
        foreach (var value in centroids.SelectMany(c => c))
        {
            writer.Write(value);
        }
    }

    private static float[][] ReadCentroids(BinaryReader reader)
    {
        var k = reader.ReadInt32();
        var d = reader.ReadInt32();
        if (k < 0 || d < 0 || (long)k * d * sizeof(float) > reader.BaseStream.Length)
        {
            throw new InvalidDataException($"Billboard centroids of {k} x {d} do not fit the value.");
        }

        var centroids = new float[k][];
        for (var c = 0; c < k; c++)
        {
            centroids[c] = new float[d];
            for (var j = 0; j < d; j++)
            {
                centroids[c][j] = reader.ReadSingle();
            }
        }

        return centroids;
    }
}
