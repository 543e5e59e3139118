using System.Security.Cryptography;
using System.Text;
using StreamRec.Ingest;

namespace StreamRec.UnitTests.Ingest;

public sealed class PseudonymizerTests
{
    private static readonly byte[] Key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

    [Fact]
    public void Pseudonym_is_the_truncated_hmac_sha256_of_the_id_in_hex()
    {
        using var hmac = new HMACSHA256(Key);
        var expected = Convert.ToHexStringLower(hmac.ComputeHash(Encoding.UTF8.GetBytes("user-ü-42"))[..16]);

        Assert.Equal(expected, new Pseudonymizer(Key).Pseudonymize("user-ü-42"));
        Assert.Equal(32, expected.Length);
    }

    [Fact]
    public void Pseudonym_is_stable_for_a_key_and_unrelated_under_another_key()
    {
        var first = new Pseudonymizer(Key);
        var other = new Pseudonymizer(Key.Select(b => (byte)(b ^ 0xFF)).ToArray());

        Assert.Equal(first.Pseudonymize("42"), new Pseudonymizer(Key).Pseudonymize("42"));
        Assert.NotEqual(first.Pseudonymize("42"), first.Pseudonymize("43"));
        Assert.NotEqual(first.Pseudonymize("42"), other.Pseudonymize("42"));
        Assert.DoesNotContain("42", first.Pseudonymize("42")[..2], StringComparison.Ordinal); // not a prefix-preserving encoding
    }

    [Fact]
    public void Event_id_pseudonym_is_the_hmac_of_the_domain_label_and_the_id_and_differs_from_a_user_pseudonym()
    {
        using var hmac = new HMACSHA256(Key);
        var expected = Convert.ToHexStringLower(hmac.ComputeHash(Encoding.UTF8.GetBytes("streamrec-event-id\nml-15-1201-833101223"))[..16]);
        var pseudonymizer = new Pseudonymizer(Key);

        Assert.Equal(expected, pseudonymizer.PseudonymizeEventId("ml-15-1201-833101223"));
        Assert.Equal(expected, new Pseudonymizer(Key).PseudonymizeEventId("ml-15-1201-833101223"));
        Assert.NotEqual(pseudonymizer.Pseudonymize("ml-15-1201-833101223"), pseudonymizer.PseudonymizeEventId("ml-15-1201-833101223"));
    }

    [Fact]
    public void Configured_length_is_respected_and_short_keys_are_refused()
    {
        Assert.Equal(16, new Pseudonymizer(Key, bytes: 8).Pseudonymize("42").Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Pseudonymizer(new byte[16]));
    }

    [Fact]
    public void One_instance_gives_every_id_the_same_pseudonym_as_a_fresh_one_in_any_order_and_on_many_threads()
    {
        // The instance reuses one keyed HMAC: each MAC must start from the keyed state, whatever came before.
        var ids = Enumerable.Range(0, 200).Select(i => i % 3 == 0 ? new string('x', 600 + i) : $"user-{i}").ToArray(); // > 512 bytes: the heap path
        using var hmac = new HMACSHA256(Key);
        var expected = ids.Select(id => Convert.ToHexStringLower(hmac.ComputeHash(Encoding.UTF8.GetBytes(id))[..16])).ToArray();
        var shared = new Pseudonymizer(Key);

        Assert.Equal(expected, ids.Select(shared.Pseudonymize));
        Assert.Equal(expected.Reverse(), ids.Reverse().Select(shared.Pseudonymize));
        var results = new string[8][];
        Parallel.For(0, results.Length, t => results[t] = [.. ids.Select(id => t % 2 == 0 ? shared.Pseudonymize(id) : (shared.PseudonymizeEventId(id), shared.Pseudonymize(id)).Item2)]);
        Assert.All(results, r => Assert.Equal(expected, r));
    }
}
