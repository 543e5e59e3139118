using System.Reflection;
using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace StreamRec.Messaging;

/// <summary>
/// Points Confluent.Kafka at Debian's librdkafka1 (2.0.2). The NuGet package that normally carries the
/// native library (librdkafka.redist) is not served on this platform (see build/Platform.props), and
/// Confluent's loader asks for names Debian does not have: it dlopens through a DllImport of "libdl"
/// (Debian ships libdl.so.2) and looks for "librdkafka" (Debian ships librdkafka.so.1).
/// Call <see cref="EnsureLoaded"/> before creating any Kafka client; it is idempotent and thread-safe.
/// </summary>
public static class KafkaNativeLibrary
{
    /// <summary>The soname of Debian's librdkafka1 package.</summary>
    public const string Soname = "librdkafka.so.1";

    private static readonly Lock Gate = new();
    private static bool _loaded;

    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (_loaded)
            {
                return;
            }

            NativeLibrary.SetDllImportResolver(typeof(Library).Assembly, Resolve);
            try
            {
                Library.Load(Soname);
            }
            catch (DllNotFoundException e)
            {
                throw new DllNotFoundException(
                    $"librdkafka ({Soname}) was not found. Install it with 'apt-get install -y librdkafka1' " +
                    "(scripts/setup.sh does this).", e);
            }

            _loaded = true;
        }
    }

    /// <summary>The librdkafka version string, e.g. "2.0.2".</summary>
    public static string Version
    {
        get
        {
            EnsureLoaded();
            return Library.VersionString;
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name == "libdl" || name.StartsWith("libdl.", StringComparison.Ordinal))
        {
            return NativeLibrary.Load("libdl.so.2");
        }

        if (name.StartsWith("librdkafka", StringComparison.Ordinal))
        {
            return NativeLibrary.Load(Soname);
        }

        return IntPtr.Zero;
    }
}
