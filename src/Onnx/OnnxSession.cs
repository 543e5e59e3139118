using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StreamRec.Onnx.Native;

namespace StreamRec.Onnx;

/// <summary>
/// A loaded ONNX model, ready to run (ORT's <c>OrtSession</c>). Create it with <see cref="FromFile"/> or
/// <see cref="FromBytes"/>; dispose it to free the native session. <see cref="Run(ReadOnlySpan{OnnxInput})"/>
/// may be called from several threads at once: ORT allows concurrent runs on one session, and each call
/// here uses its own input and output values.
/// </summary>
public sealed unsafe partial class OnnxSession : IDisposable
{
    private readonly OnnxRuntimeEnvironment _environment;
    private readonly OrtSessionHandle _handle;
    private readonly Dictionary<string, int> _inputIndex;
    private readonly Dictionary<string, int> _outputIndex;

    // NUL-terminated UTF-8 names on the pinned object heap, and the arrays of their addresses that Run
    // passes to ORT, built once per session instead of once per call.
    private readonly byte[][] _inputNamesUtf8;
    private readonly byte[][] _outputNamesUtf8;
    private readonly nint[] _outputNamePointers;

    private OnnxSession(OnnxRuntimeEnvironment environment, OrtSessionHandle handle, string executionProvider)
    {
        _environment = environment;
        _handle = handle;
        ExecutionProvider = executionProvider;

        Inputs = ReadValueInfos(isInput: true);
        Outputs = ReadValueInfos(isInput: false);
        CustomMetadata = ReadCustomMetadata();

        _inputIndex = Inputs.Select((info, i) => (info.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        _outputIndex = Outputs.Select((info, i) => (info.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        _inputNamesUtf8 = [.. Inputs.Select(info => Utf8.ToPinnedNullTerminated(info.Name))];
        _outputNamesUtf8 = [.. Outputs.Select(info => Utf8.ToPinnedNullTerminated(info.Name))];
        _outputNamePointers = GC.AllocateArray<nint>(_outputNamesUtf8.Length, pinned: true);
        for (var i = 0; i < _outputNamesUtf8.Length; i++)
        {
            _outputNamePointers[i] = (nint)Utf8.AddressOf(_outputNamesUtf8[i]);
        }
    }

    /// <summary>
    /// The execution provider the session actually runs on: <see cref="OnnxExecutionProviders.Cpu"/> after
    /// a CUDA request fell back (see <see cref="OnnxSessionOptions.AllowCpuFallback"/>).
    /// </summary>
    public string ExecutionProvider { get; }

    public IReadOnlyList<OnnxValueInfo> Inputs { get; }

    public IReadOnlyList<OnnxValueInfo> Outputs { get; }

    /// <summary>The model's <c>metadata_props</c> (key/value strings written by the model's producer).</summary>
    public IReadOnlyDictionary<string, string> CustomMetadata { get; }

    /// <summary>Loads a model file.</summary>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="modelPath"/>.</exception>
    /// <exception cref="OnnxRuntimeException">ORT rejected the model (corrupt, unsupported operator...).</exception>
    public static OnnxSession FromFile(string modelPath, OnnxSessionOptions? options = null, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        var fullPath = Path.GetFullPath(modelPath);

        // ORT would say NO_SUCHFILE too, but only after the options were built; this message names the
        // path the caller gave and the one it resolved to.
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"ONNX model file '{modelPath}' does not exist (resolved to '{fullPath}').", fullPath);
        }

        // ORTCHAR_T is char (UTF-8) on Linux, the only platform this binding loads a library for.
        var pathUtf8 = Utf8.ToNullTerminated(fullPath);
        return Create(fullPath, options, logger, (api, env, sessionOptions) =>
        {
            nint session;
            fixed (byte* path = pathUtf8)
            {
                api.Check(api.CreateSession(env, path, sessionOptions, &session), "CreateSession");
            }

            return session;
        });
    }

    /// <summary>Loads a model from its serialized bytes (the bytes are not needed after this returns).</summary>
    /// <exception cref="OnnxRuntimeException">ORT rejected the bytes (not a model, unsupported operator...).</exception>
    public static OnnxSession FromBytes(ReadOnlyMemory<byte> model, OnnxSessionOptions? options = null, ILogger? logger = null)
    {
        if (model.IsEmpty)
        {
            throw new ArgumentException("The model is empty.", nameof(model));
        }

        var source = string.Create(CultureInfo.InvariantCulture, $"{model.Length} bytes in memory");
        return Create(source, options, logger, (api, env, sessionOptions) =>
        {
            nint session;
            using var pin = model.Pin();
            api.Check(api.CreateSessionFromArray(env, pin.Pointer, (nuint)model.Length, sessionOptions, &session), "CreateSessionFromArray");
            return session;
        });
    }

    public void Dispose() => _handle.Dispose();

    private static OnnxSession Create(
        string modelSource, OnnxSessionOptions? options, ILogger? logger, Func<OrtApi, nint, nint, nint> createSession)
    {
        options ??= new OnnxSessionOptions();
        options.Validate();
        logger ??= NullLogger.Instance;

        var environment = OnnxRuntimeEnvironment.Shared;
        var api = environment.Api;
        nint sessionOptions;
        api.Check(api.CreateSessionOptions(&sessionOptions), "CreateSessionOptions");
        try
        {
            api.Check(api.SetIntraOpNumThreads(sessionOptions, options.IntraOpThreads), "SetIntraOpNumThreads");
            api.Check(api.SetSessionGraphOptimizationLevel(sessionOptions, (int)options.GraphOptimizationLevel), "SetSessionGraphOptimizationLevel");
            var provider = ConfigureExecutionProvider(api, sessionOptions, options, logger);

            var handle = new OrtSessionHandle(api, createSession(api, environment.Handle, sessionOptions));
            OnnxSession session;
            try
            {
                session = new OnnxSession(environment, handle, provider);
            }
            catch
            {
                // Reading the session's metadata failed: do not leave the native session to the finalizer.
                handle.Dispose();
                throw;
            }

            Log.SessionCreated(
                logger, modelSource, environment.Version, provider, options.IntraOpThreads,
                string.Join("; ", session.Inputs), string.Join("; ", session.Outputs));
            return session;
        }
        finally
        {
            // ORT copies what it needs from the options into the session.
            api.ReleaseSessionOptions(sessionOptions);
        }
    }

    private static string ConfigureExecutionProvider(OrtApi api, nint sessionOptions, OnnxSessionOptions options, ILogger logger)
    {
        if (!options.IsProvider(OnnxExecutionProviders.Cuda))
        {
            return OnnxExecutionProviders.Cpu;
        }

        try
        {
            AppendCudaProvider(api, sessionOptions, options.CudaDeviceId);
            return OnnxExecutionProviders.Cuda;
        }
        catch (OnnxRuntimeException ex) when (options.AllowCpuFallback)
        {
            // A CPU-only runtime (the one this platform serves) lists CUDA among its providers but fails
            // here with "Failed to load library ...". The session options are left as they were, so the
            // same options still build a working CPU session.
            Log.CudaProviderUnavailable(logger, options.CudaDeviceId, ex.ErrorCode, ex.RuntimeMessage);
            return OnnxExecutionProviders.Cpu;
        }
    }

    private static void AppendCudaProvider(OrtApi api, nint sessionOptions, int deviceId)
    {
        nint cudaOptions = 0;
        try
        {
            api.Check(api.CreateCudaProviderOptions(&cudaOptions), "CreateCUDAProviderOptions");
            var key = Utf8.ToNullTerminated("device_id");
            var value = Utf8.ToNullTerminated(deviceId.ToString(CultureInfo.InvariantCulture));
            fixed (byte* keyPointer = key, valuePointer = value)
            {
                var keys = keyPointer;
                var values = valuePointer;
                api.Check(api.UpdateCudaProviderOptions(cudaOptions, &keys, &values, 1), "UpdateCUDAProviderOptions");
            }

            api.Check(api.SessionOptionsAppendExecutionProviderCudaV2(sessionOptions, cudaOptions), "SessionOptionsAppendExecutionProvider_CUDA_V2");
        }
        finally
        {
            // The session options keep their own copy of the provider options.
            if (cudaOptions != 0)
            {
                api.ReleaseCudaProviderOptions(cudaOptions);
            }
        }
    }
}
