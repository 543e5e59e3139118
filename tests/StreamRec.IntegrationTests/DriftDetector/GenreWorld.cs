using System.Text;
using Confluent.Kafka;
using StackExchange.Redis;
using StreamRec.Contracts;
using StreamRec.Embedder.Stage;

namespace StreamRec.IntegrationTests.DriftDetector;

/// <summary>
/// A constructed catalog for drift tests: each genre owns an axis of a 16-dimensional space and an
/// item points at the mean of its genres' axes (plus a little noise), unit length. Items are written to
/// the Redis catalog as the Embedder writes them, and users' events are embedded-event records.
/// </summary>
internal sealed class GenreWorld
{
    public const int Dimension = 16;

    public static readonly string[] Genres = ["Comedy", "Horror", "Romance", "Thriller", "Drama", "Western", "Animation", "Documentary"];

    private readonly Random _random;

    public GenreWorld(string prefix, int seed, int itemsPerGenre = 12)
    {
        _random = new Random(seed);
        ModelVersion = prefix + "model";
        foreach (var genre in Genres)
        {
            for (var i = 0; i < itemsPerGenre; i++)
            {
                var id = $"{prefix}{genre.ToLowerInvariant()}-{i}";
                var vector = new float[Dimension];
                vector[Array.IndexOf(Genres, genre)] = 1;
                for (var k = 0; k < Dimension; k++)
                {
                    vector[k] += (float)(0.3 * (_random.NextDouble() - 0.5));
                }

                var norm = MathF.Sqrt(vector.Sum(x => x * x));
                Items.Add(new CatalogItem(id, ModelVersion, vector.Select(x => x / norm).ToArray(), $"{genre} film {i}", [genre]));
            }
        }
    }

    public string ModelVersion { get; }

    public List<CatalogItem> Items { get; } = [];

    public IEnumerable<CatalogItem> Of(string genre) => Items.Where(i => i.Categories![0] == genre);

    public Task WriteCatalogAsync(IDatabase database) => new ItemCatalogWriter(database, TimeProvider.System).WriteAsync(Items);

    /// <summary>A user's events: <paramref name="count"/> draws from the given genres, in order.</summary>
    public List<EmbeddedEvent> Events(string user, int count, int firstIndex, params string[] genres) =>
        [.. Enumerable.Range(firstIndex, count).Select(i =>
        {
            var pool = Of(genres[_random.Next(genres.Length)]).ToList();
            var item = pool[_random.Next(pool.Count)];
            return new EmbeddedEvent
            {
                EventId = $"{user}-ev-{i}",
                User = user,
                ItemId = item.ItemId,
                Ts = 1_700_000_000_000 + (i * 60_000L),
                Weight = 1f,
                ModelVersion = ModelVersion,
                Embedding = item.Embedding,
            };
        })];

    public static Message<byte[]?, byte[]?> Message(EmbeddedEvent e) => new()
    {
        Key = Encoding.UTF8.GetBytes(e.User),
        Value = EmbeddedEventCodec.Write(e),
    };

    /// <summary>A consumed record as the stage loop hands it over, without a broker.</summary>
    public static ConsumeResult<byte[]?, byte[]?> Record(string topic, int partition, long offset, EmbeddedEvent e) =>
        Record(topic, partition, offset, Message(e));

    public static ConsumeResult<byte[]?, byte[]?> Record(string topic, int partition, long offset, Message<byte[]?, byte[]?> message) => new()
    {
        TopicPartitionOffset = new TopicPartitionOffset(topic, partition, offset),
        Message = message,
    };
}
