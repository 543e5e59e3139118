using StreamRec.Embedder.Embedding;
using StreamRec.Training;
using Xunit.Abstractions;

namespace StreamRec.IntegrationTests.Onnx;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasurementCollection
{
    // Runs alone, after the parallel collections: RSS is process-wide, and a Kafka or Redis test
    // allocating beside the loop would be measured as our growth.
    public const string Name = "process memory measurement";
}

/// <summary>Creating, running and disposing sessions returns their native memory.</summary>
[Collection(MemoryMeasurementCollection.Name)]
public sealed class EncoderSessionMemoryTests(ITestOutputHelper output)
{
    [Fact]
    public void Creating_running_and_disposing_300_sessions_keeps_resident_memory_flat()
    {
        // Sized so that each kind of leak is far above the bound: a leaked session keeps at least its
        // 1 MiB table (300 sessions: 300 MiB or more), a leaked output value at least 64 KiB (1,500
        // runs: 94 MiB or more). Releasing neither, on purpose, measured 451 MiB and 201 MiB.
        const int V = 8192, E = 32, D = 64, Batch = 256, Seq = 4, Sessions = 300, RunsPerSession = 5;
        var model = EncoderModel.Build(EncoderModelParameters.CreateRandom(V, E, D, seed: 11, "leak-check"));
        var batch = EncoderBatch.Random(seed: 12, Batch, Seq, V);

        void Cycle()
        {
            using var session = EncoderSession.Open(model);
            for (var run = 0; run < RunsPerSession; run++)
            {
                Assert.Equal(Batch * D, session.Run(batch.Ids, batch.Mask, Batch, Seq).Length);
            }
        }

        // Warm-up: ORT's allocator arenas, glibc's malloc arenas and the JIT reach their steady size.
        // With the managed API that takes longer: after 150 cycles a one-off ~18 MiB was still to come
        // (the same 18 MiB over 300 or 1,200 measured sessions, so not a leak); after 400, 6-7 MiB.
        for (var i = 0; i < 400; i++)
        {
            Cycle();
        }

        var before = ResidentBytes();
        for (var i = 0; i < Sessions; i++)
        {
            Cycle();
        }

        var after = ResidentBytes();
        var growth = after - before;
        output.WriteLine($"resident before {before >> 20} MiB, after {after >> 20} MiB, growth {growth / 1024} KiB");

        // 30 MiB: a third of the smallest leak above, and three times the growth measured when nothing
        // leaks (about 9 MiB: allocator fragmentation, managed heap resizing).
        Assert.True(growth < 30L << 20, $"resident memory grew by {growth >> 20} MiB over {Sessions} sessions");
    }

    private static long ResidentBytes()
    {
        // Finalizers first, so that anything left to them is counted as released (or as leaked).
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        // /proc/self/statm: size resident shared text lib data dt, in pages.
        var resident = long.Parse(File.ReadAllText("/proc/self/statm").Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        return resident * Environment.SystemPageSize;
    }
}
