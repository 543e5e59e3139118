using System.Runtime.InteropServices;
using System.Text;

namespace StreamRec.Onnx.Native;

/// <summary>NUL-terminated UTF-8 strings, the only string type the ORT C API speaks.</summary>
internal static unsafe class Utf8
{
    public static string ToString(byte* value) =>
        value is null ? string.Empty : Marshal.PtrToStringUTF8((nint)value) ?? string.Empty;

    /// <summary>Encodes <paramref name="value"/> with a trailing NUL, for a single call (use with <c>fixed</c>).</summary>
    public static byte[] ToNullTerminated(string value)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(value) + 1];
        Encoding.UTF8.GetBytes(value, bytes);
        return bytes;
    }

    /// <summary>
    /// Encodes <paramref name="value"/> with a trailing NUL into an array on the pinned object heap,
    /// so its address can be handed to ORT on every call without pinning and never needs a native free.
    /// </summary>
    public static byte[] ToPinnedNullTerminated(string value)
    {
        var bytes = GC.AllocateUninitializedArray<byte>(Encoding.UTF8.GetByteCount(value) + 1, pinned: true);
        var written = Encoding.UTF8.GetBytes(value, bytes);
        bytes[written] = 0;
        return bytes;
    }

    /// <summary>Address of an array created by <see cref="ToPinnedNullTerminated"/>.</summary>
    public static byte* AddressOf(byte[] pinned) => (byte*)Marshal.UnsafeAddrOfPinnedArrayElement(pinned, 0);
}
