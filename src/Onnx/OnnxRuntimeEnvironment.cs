using System.Runtime.InteropServices;
using StreamRec.Onnx.Native;

namespace StreamRec.Onnx;

/// <summary>
/// The process-wide ONNX Runtime: the loaded native library, its C API table and one <c>OrtEnv</c>.
/// ORT expects a single environment per process (it owns logging and global state), so there is no
/// public constructor: use <see cref="Shared"/>, which loads the library on first use.
/// </summary>
/// <remarks>
/// The environment is deliberately never released. Sessions must not outlive it, the process exit
/// reclaims it, and releasing an <c>OrtEnv</c> while the runtime's threads wind down at exit is a known
/// source of crashes in ORT hosts.
/// </remarks>
public sealed unsafe class OnnxRuntimeEnvironment
{
    // ORT's own log lines (warnings and errors only) go to stderr, tagged with this id.
    private const int LogSeverityWarning = 2;
    private const int OrtArenaAllocator = 1;
    private const int OrtMemTypeDefault = 0;

    private static readonly Lock SharedLock = new();
    private static OnnxRuntimeEnvironment? _shared;

    private OnnxRuntimeEnvironment(OrtApi api, string version, string librarySource)
    {
        Api = api;
        Version = version;
        LibrarySource = librarySource;

        nint env;
        fixed (byte* logId = Utf8.ToNullTerminated("streamrec"))
        {
            api.Check(api.CreateEnv(LogSeverityWarning, logId, &env), "CreateEnv");
        }

        Handle = env;

        nint allocator;
        api.Check(api.GetAllocatorWithDefaultOptions(&allocator), "GetAllocatorWithDefaultOptions");
        DefaultAllocator = allocator;

        // Describes caller-owned CPU buffers handed to CreateTensorWithDataAsOrtValue. Immutable, so one
        // instance serves every session and thread.
        nint memoryInfo;
        api.Check(api.CreateCpuMemoryInfo(OrtArenaAllocator, OrtMemTypeDefault, &memoryInfo), "CreateCpuMemoryInfo");
        CpuMemoryInfo = memoryInfo;
    }

    /// <summary>
    /// The process's environment, created on first use. A failure (library missing, unsupported
    /// version) is thrown to the caller and not remembered, so a later call tries again.
    /// </summary>
    /// <exception cref="DllNotFoundException">libonnxruntime.so.1 could not be found or loaded.</exception>
    public static OnnxRuntimeEnvironment Shared
    {
        get
        {
            var existing = Volatile.Read(ref _shared);
            if (existing is not null)
            {
                return existing;
            }

            lock (SharedLock)
            {
                return _shared ??= Create();
            }
        }
    }

    /// <summary>ONNX Runtime's version string, e.g. <c>1.30.0</c>.</summary>
    public string Version { get; }

    /// <summary>The C API version this binding requested from the runtime.</summary>
    public static int ApiVersion => (int)OrtApi.Version;

    /// <summary>Where the native library was loaded from (a path, or the loader search).</summary>
    public string LibrarySource { get; }

    internal OrtApi Api { get; }

    internal nint Handle { get; }

    /// <summary>ORT's default CPU allocator. Owned by ORT: never released.</summary>
    internal nint DefaultAllocator { get; }

    internal nint CpuMemoryInfo { get; }

    /// <summary>
    /// The execution providers this ONNX Runtime build was compiled with. This is NOT a promise that they
    /// work: a CPU-only install still lists CUDA, whose libraries then fail to load. Check
    /// <see cref="OnnxSession.ExecutionProvider"/> to see what a session really uses.
    /// </summary>
    public IReadOnlyList<string> GetAvailableProviders()
    {
        byte** names;
        int count;
        Api.Check(Api.GetAvailableProviders(&names, &count), "GetAvailableProviders");
        try
        {
            var result = new string[count];
            for (var i = 0; i < count; i++)
            {
                result[i] = Utf8.ToString(names[i]);
            }

            return result;
        }
        finally
        {
            Api.Check(Api.ReleaseAvailableProviders(names, count), "ReleaseAvailableProviders");
        }
    }

    private static OnnxRuntimeEnvironment Create()
    {
        var (library, source) = OnnxRuntimeLibrary.Load();
        var getApiBase = (delegate* unmanaged<nint*>)NativeLibrary.GetExport(library, "OrtGetApiBase");

        // OrtApiBase is { const OrtApi* (*GetApi)(uint32_t); const char* (*GetVersionString)(void); }.
        var apiBase = getApiBase();
        var getApi = (delegate* unmanaged<uint, nint*>)apiBase[0];
        var getVersionString = (delegate* unmanaged<byte*>)apiBase[1];
        var version = Utf8.ToString(getVersionString());

        var table = getApi(OrtApi.Version);
        if (table is null)
        {
            throw new NotSupportedException(
                $"ONNX Runtime {version} from {source} does not provide C API version {OrtApi.Version}; " +
                "StreamRec is built against ONNX Runtime 1.30.0 (scripts/get-onnxruntime.sh installs it).");
        }

        return new OnnxRuntimeEnvironment(new OrtApi(table), version, source);
    }
}
