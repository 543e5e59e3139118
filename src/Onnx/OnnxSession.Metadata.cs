using StreamRec.Onnx.Native;

namespace StreamRec.Onnx;

// Reading what the loaded model declares: input/output names, types and shapes, and metadata_props.
// Strings ORT allocates here come from the default allocator and are freed with AllocatorFree.
public sealed unsafe partial class OnnxSession
{
    private OnnxValueInfo[] ReadValueInfos(bool isInput)
    {
        var api = _environment.Api;
        var session = _handle.DangerousGetHandle();
        nuint count;
        if (isInput)
        {
            api.Check(api.SessionGetInputCount(session, &count), "SessionGetInputCount");
        }
        else
        {
            api.Check(api.SessionGetOutputCount(session, &count), "SessionGetOutputCount");
        }

        var infos = new OnnxValueInfo[(int)count];
        for (nuint i = 0; i < count; i++)
        {
            byte* name = null;
            nint typeInfo = 0;
            try
            {
                if (isInput)
                {
                    api.Check(api.SessionGetInputName(session, i, _environment.DefaultAllocator, &name), "SessionGetInputName");
                    api.Check(api.SessionGetInputTypeInfo(session, i, &typeInfo), "SessionGetInputTypeInfo");
                }
                else
                {
                    api.Check(api.SessionGetOutputName(session, i, _environment.DefaultAllocator, &name), "SessionGetOutputName");
                    api.Check(api.SessionGetOutputTypeInfo(session, i, &typeInfo), "SessionGetOutputTypeInfo");
                }

                infos[(int)i] = ReadValueInfo(Utf8.ToString(name), typeInfo);
            }
            finally
            {
                api.ReleaseTypeInfo(typeInfo);
                api.Free(_environment.DefaultAllocator, name);
            }
        }

        return infos;
    }

    private OnnxValueInfo ReadValueInfo(string name, nint typeInfo)
    {
        var api = _environment.Api;

        // Owned by typeInfo (not released separately); null when the value is not a tensor.
        nint tensorInfo;
        api.Check(api.CastTypeInfoToTensorInfo(typeInfo, &tensorInfo), "CastTypeInfoToTensorInfo");
        if (tensorInfo == 0)
        {
            return new OnnxValueInfo(name, OnnxElementType.Undefined, [], []);
        }

        int elementType;
        nuint rank;
        api.Check(api.GetTensorElementType(tensorInfo, &elementType), "GetTensorElementType");
        api.Check(api.GetDimensionsCount(tensorInfo, &rank), "GetDimensionsCount");

        var shape = new long[(int)rank];
        var symbolic = new string[(int)rank];
        var symbolicPointers = new nint[(int)rank];
        fixed (long* dims = shape)
        fixed (nint* names = symbolicPointers)
        {
            api.Check(api.GetDimensions(tensorInfo, dims, rank), "GetDimensions");

            // The strings belong to tensorInfo; copy them before typeInfo is released.
            api.Check(api.GetSymbolicDimensions(tensorInfo, (byte**)names, rank), "GetSymbolicDimensions");
        }

        for (var d = 0; d < symbolic.Length; d++)
        {
            symbolic[d] = Utf8.ToString((byte*)symbolicPointers[d]);
        }

        return new OnnxValueInfo(name, (OnnxElementType)elementType, shape, symbolic);
    }

    private Dictionary<string, string> ReadCustomMetadata()
    {
        var api = _environment.Api;
        var allocator = _environment.DefaultAllocator;
        nint metadata;
        api.Check(api.SessionGetModelMetadata(_handle.DangerousGetHandle(), &metadata), "SessionGetModelMetadata");
        byte** keys = null;
        long keyCount = 0;
        try
        {
            api.Check(api.ModelMetadataGetCustomMetadataMapKeys(metadata, allocator, &keys, &keyCount), "ModelMetadataGetCustomMetadataMapKeys");
            var result = new Dictionary<string, string>((int)keyCount, StringComparer.Ordinal);
            for (long k = 0; k < keyCount; k++)
            {
                byte* value = null;
                try
                {
                    api.Check(api.ModelMetadataLookupCustomMetadataMap(metadata, allocator, keys[k], &value), "ModelMetadataLookupCustomMetadataMap");
                    result[Utf8.ToString(keys[k])] = Utf8.ToString(value);
                }
                finally
                {
                    api.Free(allocator, value);
                }
            }

            return result;
        }
        finally
        {
            // Each key and the array holding them were allocated with the allocator.
            for (long k = 0; k < keyCount && keys is not null; k++)
            {
                api.Free(allocator, keys[k]);
            }

            api.Free(allocator, keys);
            api.ReleaseModelMetadata(metadata);
        }
    }
}
