using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using StreamRec.Embedder;
using StreamRec.Embedder.Embedding;
using StreamRec.Training;

namespace StreamRec.IntegrationTests.Onnx;

/// <summary>What an encoder session reports about its model, which provider it picks, and how it fails.</summary>
public sealed class EncoderSessionTests
{
    private static readonly EncoderModelParameters Parameters = EncoderModelParameters.CreateRandom(
        vocabularySize: 100, tableDimension: 8, embeddingDimension: 4, seed: 3, "meta-1",
        new Dictionary<string, string> { ["seed"] = "42", ["buckets"] = "100" });

    private static readonly byte[] ModelBytes = EncoderModel.Build(Parameters);

    [Fact]
    public void Session_reports_input_and_output_names_types_and_dynamic_shapes()
    {
        using var session = EncoderSession.Open(ModelBytes);

        Assert.Collection(
            session.Inputs,
            ids => Assert.Equal((EncoderModel.IdsInput, TensorElementType.Int64, "[-1, -1]", "[batch, seq]"), Describe(ids)),
            mask => Assert.Equal((EncoderModel.MaskInput, TensorElementType.Float, "[-1, -1]", "[batch, seq]"), Describe(mask)));
        var output = Assert.Single(session.Outputs);
        Assert.Equal((EncoderModel.EmbeddingOutput, TensorElementType.Float, "[-1, 4]", "[batch, ]"), Describe(output));
        Assert.Equal("embedding: Float[batch, 4]", output.ToString());
    }

    [Fact]
    public void Session_reports_the_metadata_props_the_writer_stored()
    {
        using var session = EncoderSession.Open(ModelBytes);

        Assert.Equal("meta-1", session.CustomMetadata[EncoderModelMetadata.ModelVersion]);
        Assert.Equal("4", session.CustomMetadata[EncoderModelMetadata.EmbeddingDimension]);
        Assert.Equal("42", session.CustomMetadata[EncoderModelMetadata.HashingPrefix + "seed"]);
        // Version, three dimensions and the two hashing parameters.
        Assert.Equal(6, session.CustomMetadata.Count);
    }

    [Fact]
    public void Model_file_written_by_the_encoder_loads_from_its_path()
    {
        var path = Path.Combine(Path.GetTempPath(), $"streamrec-encoder-{Guid.NewGuid():N}.onnx");
        try
        {
            EncoderModel.Write(Parameters, path);

            using var session = EncoderSession.Open(path);

            Assert.Equal(EncoderModel.EmbeddingOutput, Assert.Single(session.Outputs).Name);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Missing_model_file_gives_an_exception_naming_the_path()
    {
        var path = Path.Combine(Path.GetTempPath(), $"no-such-model-{Guid.NewGuid():N}.onnx");

        var error = Assert.Throws<FileNotFoundException>(() => EncoderSession.Open(path));

        Assert.Equal(path, error.FileName);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Corrupt_model_bytes_give_OnnxRuntimeException_carrying_the_runtime_message()
    {
        var corrupt = new byte[4096];
        new Random(5).NextBytes(corrupt);

        var error = Assert.Throws<OnnxRuntimeException>(() => EncoderSession.Open(corrupt));

        Assert.Contains("protobuf", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Truncated_model_file_gives_OnnxRuntimeException_carrying_the_runtime_message()
    {
        var path = Path.Combine(Path.GetTempPath(), $"streamrec-truncated-{Guid.NewGuid():N}.onnx");
        try
        {
            File.WriteAllBytes(path, ModelBytes[..(ModelBytes.Length / 2)]);

            var error = Assert.Throws<OnnxRuntimeException>(() => EncoderSession.Open(path));

            Assert.Contains(path, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    // The tests run on the CPU package (the build without -p:OnnxRuntimeGpu=true), which has no CUDA
    // provider: a CUDA request must fall back, and say why. On the GPU build with a usable GPU this test
    // fails by design, as the request would then be honoured.
    [Fact]
    public void Cuda_request_on_the_cpu_build_falls_back_to_cpu_logs_why_and_still_encodes()
    {
        var logger = new CapturingLogger();
        var options = new EncoderSessionOptions { ExecutionProvider = OnnxExecutionProviders.Cuda, CudaDeviceId = 0 };

        using var session = EncoderSession.Open(ModelBytes, options, logger);

        Assert.Equal(OnnxExecutionProviders.Cpu, session.ExecutionProvider);
        var warning = Assert.Single(logger.Entries, entry => entry.Level == LogLevel.Warning);
        Assert.Equal(306, warning.EventId.Id);
        Assert.Contains("CUDA execution provider unavailable", warning.Message, StringComparison.Ordinal);
        Assert.Contains("no CUDAExecutionProvider", warning.Message, StringComparison.Ordinal);
        Assert.Contains("OnnxRuntimeGpu", warning.Message, StringComparison.Ordinal);
        var batch = EncoderBatch.Random(seed: 1, 2, 3, Parameters.VocabularySize);
        var output = session.Run(batch.Ids, batch.Mask, 2, 3);
        Assert.Equal(EncoderReference.Encode(Parameters, batch.Ids, batch.Mask, 2, 3), output, (a, b) => Math.Abs(a - b) <= 1e-5);
    }

    [Fact]
    public void Cuda_request_without_fallback_is_refused_naming_the_missing_provider()
    {
        var options = new EncoderSessionOptions { ExecutionProvider = OnnxExecutionProviders.Cuda, AllowCpuFallback = false };

        var error = Assert.Throws<ExecutionProviderUnavailableException>(() => EncoderSession.Open(ModelBytes, options));

        Assert.Equal(OnnxExecutionProviders.Cuda, error.Provider);
        Assert.Contains("CUDAExecutionProvider", error.Reason, StringComparison.Ordinal);
        Assert.Contains("AllowCpuFallback", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cpu_session_logs_no_warning_and_reports_its_threads()
    {
        var logger = new CapturingLogger();

        using var session = EncoderSession.Open(ModelBytes, new EncoderSessionOptions { IntraOpThreads = 2 }, logger);

        Assert.Equal(OnnxExecutionProviders.Cpu, session.ExecutionProvider);
        Assert.DoesNotContain(logger.Entries, entry => entry.Level >= LogLevel.Warning);
        Assert.Contains(logger.Entries, entry => entry.EventId.Id == 305 && entry.Message.Contains("2 intra-op threads", StringComparison.Ordinal));
    }

    [Fact]
    public void Unknown_execution_provider_is_rejected_before_loading()
    {
        var error = Assert.Throws<ArgumentException>(() => EncoderSession.Open(ModelBytes, new EncoderSessionOptions { ExecutionProvider = "tpu" }));

        Assert.Contains("'tpu'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Input_whose_data_does_not_fill_its_shape_is_rejected()
    {
        using var session = EncoderSession.Open(ModelBytes);

        var error = Assert.Throws<ArgumentException>(() => session.Run(new long[6], new float[5], 2, 3));

        Assert.Contains("6 ids and mask values; got 6 and 5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_after_dispose_throws_ObjectDisposedException()
    {
        var session = EncoderSession.Open(ModelBytes);
        session.Dispose();

        Assert.Throws<ObjectDisposedException>(() => session.Run(new long[1], new float[1], 1, 1));
    }

    [Fact]
    public void The_runtime_is_the_cpu_package_of_the_pinned_version()
    {
        Assert.Equal("1.32.0", EncoderSession.RuntimeVersion);
        Assert.Equal(["CPUExecutionProvider"], EncoderSession.AvailableProviders);
    }

    private static (string Name, TensorElementType Type, string Shape, string Symbols) Describe(OnnxValueInfo info) =>
        (info.Name, info.ElementType, $"[{string.Join(", ", info.Shape)}]", $"[{string.Join(", ", info.SymbolicShape)}]");
}
