using System.Runtime.InteropServices;

namespace StreamRec.Onnx.Native;

/// <summary>
/// Finds and loads libonnxruntime.so.1. No ONNX Runtime NuGet package is served on this platform
/// (docs: shared/PLATFORM.md), so the library is not resolved by the usual runtimes/ folder logic and we
/// load it ourselves, in a fixed and documented order.
/// </summary>
internal static class OnnxRuntimeLibrary
{
    /// <summary>Environment variable that names the library file explicitly.</summary>
    public const string PathVariable = "STREAMREC_ONNXRUNTIME_PATH";

    public const string FileName = "libonnxruntime.so.1";

    /// <summary>
    /// Loads the library: <see cref="PathVariable"/> when set, then the file next to the application
    /// (build/Platform.props copies it there), then the loader's default search for the plain name.
    /// </summary>
    /// <returns>The library handle and a description of where it came from.</returns>
    /// <exception cref="DllNotFoundException">No candidate could be loaded.</exception>
    public static (nint Handle, string Source) Load() =>
        Load(Environment.GetEnvironmentVariable(PathVariable), AppContext.BaseDirectory);

    /// <summary>The search of <see cref="Load()"/> with its two inputs given (tests pass their own).</summary>
    public static (nint Handle, string Source) Load(string? explicitPath, string applicationDirectory)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            // The operator asked for this file: falling back to another copy would hide the mistake.
            if (!File.Exists(explicitPath))
            {
                throw new DllNotFoundException(
                    $"{PathVariable} is set to '{explicitPath}', but that file does not exist. " +
                    "Point it at libonnxruntime.so.1 or unset it (scripts/get-onnxruntime.sh installs the library into native/).");
            }

            return (LoadExisting(explicitPath), explicitPath);
        }

        var besideApp = Path.Combine(applicationDirectory, FileName);
        if (File.Exists(besideApp))
        {
            return (LoadExisting(besideApp), besideApp);
        }

        if (NativeLibrary.TryLoad(FileName, out var handle))
        {
            return (handle, $"{FileName} (loader search path)");
        }

        throw new DllNotFoundException(
            $"ONNX Runtime ({FileName}, 1.30.0) was not found. Looked for {PathVariable}, then '{besideApp}', " +
            $"then the system loader path. Run scripts/get-onnxruntime.sh (it places the library in native/, " +
            $"which the build copies next to the binaries of projects with UsesOnnxRuntime), or set {PathVariable}.");
    }

    private static nint LoadExisting(string path)
    {
        try
        {
            return NativeLibrary.Load(path);
        }
        catch (DllNotFoundException ex)
        {
            // The file is there but dlopen refused it (wrong architecture, missing libstdc++...):
            // keep the loader's reason and say which file it was.
            throw new DllNotFoundException($"ONNX Runtime at '{path}' exists but could not be loaded: {ex.Message}", ex);
        }
    }
}
