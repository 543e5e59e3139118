using System.Runtime.InteropServices;

namespace StreamRec.Onnx.Native;

/// <summary>
/// Owns an <c>OrtSession*</c>. A SafeHandle so that a session that is never disposed is still released by
/// the finalizer, and so that <see cref="OnnxSession.Run(ReadOnlySpan{OnnxInput})"/> can hold a reference
/// (<see cref="SafeHandle.DangerousAddRef"/>) that keeps a concurrent Dispose from freeing the session
/// under a running call.
/// </summary>
internal sealed unsafe class OrtSessionHandle : SafeHandle
{
    private readonly OrtApi _api;

    public OrtSessionHandle(OrtApi api, nint session)
        : base(invalidHandleValue: 0, ownsHandle: true)
    {
        _api = api;
        SetHandle(session);
    }

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        _api.ReleaseSession(handle);
        return true;
    }
}
