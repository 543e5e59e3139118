using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace StreamRec.Embedder.Embedding;

/// <summary>
/// An encoder model loaded into ONNX Runtime (its managed <see cref="InferenceSession"/>): what the model
/// declares (inputs, outputs, metadata), the execution provider it really runs on, and one forward pass
/// over caller-owned ids and mask buffers. Safe for concurrent runs: ORT allows concurrent
/// <c>Run</c> calls on one session, and each call here uses its own input and output values.
/// </summary>
public sealed partial class EncoderSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private bool _disposed;

    private EncoderSession(InferenceSession session, EncoderSessionOptions options, string executionProvider)
    {
        _session = session;
        _inputNames = [options.IdsName, options.MaskName];
        _outputNames = [options.OutputName];
        ExecutionProvider = executionProvider;
        Inputs = [.. session.InputMetadata.Select(entry => Describe(entry.Key, entry.Value))];
        Outputs = [.. session.OutputMetadata.Select(entry => Describe(entry.Key, entry.Value))];
        CustomMetadata = session.ModelMetadata.CustomMetadataMap.AsReadOnly();
    }

    /// <summary>ONNX Runtime's version, e.g. <c>1.32.0</c>.</summary>
    public static string RuntimeVersion => OrtEnv.Instance().GetVersionString();

    /// <summary>
    /// The execution providers of the ONNX Runtime build this process loaded (the CPU package lists only
    /// <c>CPUExecutionProvider</c>). Listed is not usable: the GPU build lists CUDA even where the CUDA
    /// libraries or the GPU are missing. <see cref="ExecutionProvider"/> tells what a session really uses.
    /// </summary>
    public static IReadOnlyList<string> AvailableProviders => OrtEnv.Instance().GetAvailableProviders();

    /// <summary>
    /// The execution provider the session actually runs on: <see cref="OnnxExecutionProviders.Cpu"/> after
    /// a CUDA request fell back (see <see cref="EncoderSessionOptions.AllowCpuFallback"/>).
    /// </summary>
    public string ExecutionProvider { get; }

    public IReadOnlyList<OnnxValueInfo> Inputs { get; }

    public IReadOnlyList<OnnxValueInfo> Outputs { get; }

    /// <summary>The model's <c>metadata_props</c> (key/value strings written by the model's producer).</summary>
    public IReadOnlyDictionary<string, string> CustomMetadata { get; }

    /// <summary>Loads a model file.</summary>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="modelPath"/>.</exception>
    /// <exception cref="OnnxRuntimeException">ORT rejected the model (corrupt, unsupported operator...).</exception>
    /// <exception cref="ExecutionProviderUnavailableException">CUDA was requested without fallback and cannot be used.</exception>
    public static EncoderSession Open(string modelPath, EncoderSessionOptions? options = null, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        var fullPath = Path.GetFullPath(modelPath);

        // ORT would fail too, but with a message that names neither the path given nor the one resolved.
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"ONNX model file '{modelPath}' does not exist (resolved to '{fullPath}').", fullPath);
        }

        return Create(fullPath, options, logger, sessionOptions => new InferenceSession(fullPath, sessionOptions));
    }

    /// <summary>Loads a model from its serialized bytes (the bytes are not needed after this returns).</summary>
    /// <exception cref="OnnxRuntimeException">ORT rejected the bytes (not a model, unsupported operator...).</exception>
    /// <exception cref="ExecutionProviderUnavailableException">CUDA was requested without fallback and cannot be used.</exception>
    public static EncoderSession Open(byte[] model, EncoderSessionOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Length == 0)
        {
            throw new ArgumentException("The model is empty.", nameof(model));
        }

        var source = string.Create(CultureInfo.InvariantCulture, $"{model.Length} bytes in memory");
        return Create(source, options, logger, sessionOptions => new InferenceSession(model, sessionOptions));
    }

    /// <summary>
    /// Encodes <paramref name="rows"/> items: <paramref name="ids"/> and <paramref name="mask"/> hold
    /// rows x <paramref name="sequenceLength"/> values, row-major, and are handed to ORT without a copy.
    /// Copies the output into <paramref name="destination"/> and returns its shape.
    /// </summary>
    /// <exception cref="OnnxRuntimeException">The run failed (e.g. an id beyond the model's table).</exception>
    public long[] RunInto(ReadOnlyMemory<long> ids, ReadOnlyMemory<float> mask, int rows, int sequenceLength, Span<float> destination)
    {
        using var outputs = RunCore(ids, mask, rows, sequenceLength);
        var shape = FloatShape(outputs[0]);
        var data = outputs[0].GetTensorDataAsSpan<float>();
        if (data.Length > destination.Length)
        {
            throw new ArgumentException(
                $"Output '{_outputNames[0]}' has shape [{string.Join(", ", shape)}] ({data.Length} values); the destination holds {destination.Length}.",
                nameof(destination));
        }

        data.CopyTo(destination);
        return shape;
    }

    /// <summary>As <see cref="RunInto"/>, into a new array (row-major).</summary>
    public float[] Run(ReadOnlyMemory<long> ids, ReadOnlyMemory<float> mask, int rows, int sequenceLength)
    {
        using var outputs = RunCore(ids, mask, rows, sequenceLength);
        FloatShape(outputs[0]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _session.Dispose();
        _runOptions.Dispose();
    }

    private IDisposableReadOnlyCollection<OrtValue> RunCore(ReadOnlyMemory<long> ids, ReadOnlyMemory<float> mask, int rows, int sequenceLength)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(sequenceLength, 1);
        var length = (long)rows * sequenceLength;
        if (ids.Length != length || mask.Length != length)
        {
            throw new ArgumentException(
                $"{rows} rows of {sequenceLength} features need {length} ids and mask values; got {ids.Length} and {mask.Length}.");
        }

        long[] shape = [rows, sequenceLength];

        // The OrtValues pin the caller's buffers for the run (no copy); ORT only reads inputs, so the
        // read-only memory is safe to hand over as writable.
        using var idsValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, MemoryMarshal.AsMemory(ids), shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, MemoryMarshal.AsMemory(mask), shape);
        return _session.Run(_runOptions, _inputNames, [idsValue, maskValue], _outputNames);
    }

    /// <summary>The output's shape, after checking that it holds floats.</summary>
    private long[] FloatShape(OrtValue output)
    {
        var info = output.GetTensorTypeAndShape();
        if (info.ElementDataType != TensorElementType.Float)
        {
            throw new InvalidOperationException($"Output '{_outputNames[0]}' holds {info.ElementDataType} elements, not Float.");
        }

        return info.Shape;
    }

    private static OnnxValueInfo Describe(string name, NodeMetadata metadata) =>
        metadata.IsTensor
            ? new OnnxValueInfo(name, metadata.ElementDataType, [.. metadata.Dimensions.Select(d => (long)d)], metadata.SymbolicDimensions)
            : new OnnxValueInfo(name, default, [], []);
}
