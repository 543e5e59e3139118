using Microsoft.Extensions.Logging;
using StreamRec.Embedder;
using StreamRec.Onnx;

namespace StreamRec.IntegrationTests.Onnx;

/// <summary>What a session reports about its model, and how it fails.</summary>
public sealed class OnnxSessionTests
{
    private static readonly EncoderModelParameters Parameters = EncoderModelParameters.CreateRandom(
        vocabularySize: 100, tableDimension: 8, embeddingDimension: 4, seed: 3, "meta-1",
        new Dictionary<string, string> { ["seed"] = "42", ["buckets"] = "100" });

    private static readonly byte[] ModelBytes = EncoderModel.Build(Parameters);

    [Fact]
    public void Session_reports_input_and_output_names_types_and_dynamic_shapes()
    {
        using var session = OnnxSession.FromBytes(ModelBytes);

        Assert.Collection(
            session.Inputs,
            ids => Assert.Equal((EncoderModel.IdsInput, OnnxElementType.Int64, "[-1, -1]", "[batch, seq]"), Describe(ids)),
            mask => Assert.Equal((EncoderModel.MaskInput, OnnxElementType.Float, "[-1, -1]", "[batch, seq]"), Describe(mask)));
        var output = Assert.Single(session.Outputs);
        Assert.Equal((EncoderModel.EmbeddingOutput, OnnxElementType.Float, "[-1, 4]", "[batch, ]"), Describe(output));
        Assert.Equal("embedding: Float[batch, 4]", output.ToString());
    }

    [Fact]
    public void Session_reports_the_metadata_props_the_writer_stored()
    {
        using var session = OnnxSession.FromBytes(ModelBytes);

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

            using var session = OnnxSession.FromFile(path);

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

        var error = Assert.Throws<FileNotFoundException>(() => OnnxSession.FromFile(path));

        Assert.Equal(path, error.FileName);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Corrupt_model_bytes_give_OnnxRuntimeException_carrying_the_runtime_message()
    {
        var corrupt = new byte[4096];
        new Random(5).NextBytes(corrupt);

        var error = Assert.Throws<OnnxRuntimeException>(() => OnnxSession.FromBytes(corrupt));

        Assert.Equal("CreateSessionFromArray", error.Operation);
        Assert.Equal(OnnxErrorCode.InvalidProtobuf, error.ErrorCode);
        Assert.Contains("protobuf", error.RuntimeMessage, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(error.RuntimeMessage, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_model_file_gives_OnnxRuntimeException_carrying_the_runtime_message()
    {
        var path = Path.Combine(Path.GetTempPath(), $"streamrec-truncated-{Guid.NewGuid():N}.onnx");
        try
        {
            File.WriteAllBytes(path, ModelBytes[..(ModelBytes.Length / 2)]);

            var error = Assert.Throws<OnnxRuntimeException>(() => OnnxSession.FromFile(path));

            Assert.Equal("CreateSession", error.Operation);
            Assert.NotEmpty(error.RuntimeMessage);
        }
        finally
        {
            File.Delete(path);
        }
    }

    // This platform serves only a CPU build of ONNX Runtime (shared/PLATFORM.md): the CUDA provider's
    // libraries are absent, so a CUDA request must fall back, and say so. On a GPU image with the CUDA
    // provider installed this test fails by design, as the request would then be honoured.
    [Fact]
    public void Cuda_request_on_a_cpu_only_runtime_falls_back_to_cpu_and_logs_a_warning()
    {
        var logger = new CapturingLogger();
        var options = new OnnxSessionOptions { ExecutionProvider = OnnxExecutionProviders.Cuda, CudaDeviceId = 0 };

        using var session = OnnxSession.FromBytes(ModelBytes, options, logger);

        Assert.Equal(OnnxExecutionProviders.Cpu, session.ExecutionProvider);
        var warning = Assert.Single(logger.Entries, entry => entry.Level == LogLevel.Warning);
        Assert.Equal(1, warning.EventId.Id);
        Assert.Contains("CUDA", warning.Message, StringComparison.Ordinal);
        Assert.Contains("CPU", warning.Message, StringComparison.Ordinal);
        var batch = EncoderBatch.Random(seed: 1, 2, 3, Parameters.VocabularySize);
        var output = session.Run(OnnxInput.Int64("ids", batch.Ids, 2, 3), OnnxInput.Float("mask", batch.Mask, 2, 3))[0];
        Assert.Equal(EncoderReference.Encode(Parameters, batch.Ids, batch.Mask, 2, 3), output.GetFloats(), (a, b) => Math.Abs(a - b) <= 1e-5);
    }

    [Fact]
    public void Cuda_request_without_fallback_fails_with_the_runtime_error()
    {
        var options = new OnnxSessionOptions { ExecutionProvider = OnnxExecutionProviders.Cuda, AllowCpuFallback = false };

        var error = Assert.Throws<OnnxRuntimeException>(() => OnnxSession.FromBytes(ModelBytes, options));

        Assert.Contains("CUDA", error.Operation, StringComparison.Ordinal);
        Assert.NotEmpty(error.RuntimeMessage);
    }

    [Fact]
    public void Cpu_session_logs_no_warning()
    {
        var logger = new CapturingLogger();

        using var session = OnnxSession.FromBytes(ModelBytes, new OnnxSessionOptions { IntraOpThreads = 2 }, logger);

        Assert.Equal(OnnxExecutionProviders.Cpu, session.ExecutionProvider);
        Assert.DoesNotContain(logger.Entries, entry => entry.Level >= LogLevel.Warning);
        Assert.Contains(logger.Entries, entry => entry.EventId.Id == 2 && entry.Message.Contains("2 intra-op threads", StringComparison.Ordinal));
    }

    [Fact]
    public void Unknown_execution_provider_is_rejected_before_loading()
    {
        var error = Assert.Throws<ArgumentException>(() => OnnxSession.FromBytes(ModelBytes, new OnnxSessionOptions { ExecutionProvider = "tpu" }));

        Assert.Contains("'tpu'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_input_name_is_rejected_listing_the_model_inputs()
    {
        using var session = OnnxSession.FromBytes(ModelBytes);

        var error = Assert.Throws<ArgumentException>(() => session.Run(OnnxInput.Float("masks", new float[2], 1, 2)));

        Assert.Contains("'masks'", error.Message, StringComparison.Ordinal);
        Assert.Contains("mask: Float[batch, seq]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Input_whose_data_does_not_fill_its_shape_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => OnnxInput.Float("mask", new float[5], 2, 3));
    }

    [Fact]
    public void Run_after_dispose_throws_ObjectDisposedException()
    {
        var session = OnnxSession.FromBytes(ModelBytes);
        session.Dispose();

        Assert.Throws<ObjectDisposedException>(() => session.Run(OnnxInput.Int64("ids", new long[1], 1, 1), OnnxInput.Float("mask", new float[1], 1, 1)));
    }

    [Fact]
    public void Environment_reports_the_runtime_version_and_its_compiled_in_providers()
    {
        var environment = OnnxRuntimeEnvironment.Shared;

        Assert.Equal("1.30.0", environment.Version);
        Assert.Contains("CPUExecutionProvider", environment.GetAvailableProviders());
    }

    private static (string Name, OnnxElementType Type, string Shape, string Symbols) Describe(OnnxValueInfo info) =>
        (info.Name, info.ElementType, $"[{string.Join(", ", info.Shape)}]", $"[{string.Join(", ", info.SymbolicShape)}]");
}
