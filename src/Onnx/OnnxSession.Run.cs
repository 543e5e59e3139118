using System.Buffers;
using StreamRec.Onnx.Native;

namespace StreamRec.Onnx;

// Running the model. Inputs are wrapped, not copied (CreateTensorWithDataAsOrtValue over the pinned
// caller buffers); each output is copied exactly once, into a managed array or the caller's span,
// before its OrtValue is released. Every OrtValue and pin of a call is released in a finally block.
public sealed unsafe partial class OnnxSession
{
    // Runs with more inputs than this rent their scratch arrays instead of using the stack.
    private const int StackInputs = 8;

    /// <summary>Runs the model and returns every output, in <see cref="Outputs"/> order.</summary>
    /// <exception cref="ArgumentException">An input name the model does not have.</exception>
    /// <exception cref="OnnxRuntimeException">ORT failed the run (shape mismatch, index out of range...).</exception>
    public OnnxTensor[] Run(params ReadOnlySpan<OnnxInput> inputs)
    {
        var outputCount = _outputNamePointers.Length;
        var outputs = outputCount <= StackInputs ? stackalloc nint[outputCount] : new nint[outputCount];
        outputs.Clear();
        fixed (nint* outputNames = _outputNamePointers)
        fixed (nint* outputValues = outputs)
        {
            RunCore(inputs, (byte**)outputNames, (nuint)outputCount, outputValues);
        }

        try
        {
            var results = new OnnxTensor[outputCount];
            for (var i = 0; i < outputCount; i++)
            {
                results[i] = CopyOut(Outputs[i].Name, outputs[i]);
            }

            return results;
        }
        finally
        {
            foreach (var value in outputs)
            {
                _environment.Api.ReleaseValue(value);
            }
        }
    }

    /// <summary>
    /// Runs the model for one float32 output and copies it into <paramref name="destination"/>, the
    /// allocation-free path for callers that reuse a buffer per micro-batch.
    /// </summary>
    /// <returns>The output's shape; its element count is how much of <paramref name="destination"/> was written.</returns>
    /// <exception cref="ArgumentException">Unknown input or output name, or <paramref name="destination"/> is too small.</exception>
    /// <exception cref="OnnxRuntimeException">ORT failed the run.</exception>
    public long[] RunInto(ReadOnlySpan<OnnxInput> inputs, string outputName, Span<float> destination)
    {
        if (!_outputIndex.TryGetValue(outputName, out var index))
        {
            throw new ArgumentException($"The model has no output '{outputName}'; its outputs are: {string.Join(", ", Outputs)}.", nameof(outputName));
        }

        var outputNamePointer = _outputNamePointers[index];
        nint output = 0;
        RunCore(inputs, (byte**)&outputNamePointer, 1, &output);
        try
        {
            var (elementType, shape, data) = Describe(output);
            if (elementType != OnnxElementType.Float)
            {
                throw new InvalidOperationException($"Output '{outputName}' holds {elementType} elements, not Float.");
            }

            var count = TensorShape.ElementCount(shape, outputName);
            if (count > destination.Length)
            {
                throw new ArgumentException(
                    $"Output '{outputName}' has {count} elements (shape [{string.Join(", ", shape)}]) but the destination holds {destination.Length}.",
                    nameof(destination));
            }

            new ReadOnlySpan<float>((void*)data, count).CopyTo(destination);
            return shape;
        }
        finally
        {
            _environment.Api.ReleaseValue(output);
        }
    }

    private void RunCore(ReadOnlySpan<OnnxInput> inputs, byte** outputNames, nuint outputCount, nint* outputs)
    {
        var api = _environment.Api;
        var count = inputs.Length;
        var names = count <= StackInputs ? stackalloc nint[count] : new nint[count];
        var values = count <= StackInputs ? stackalloc nint[count] : new nint[count];
        values.Clear();
        var pins = ArrayPool<MemoryHandle>.Shared.Rent(count);
        var sessionReferenced = false;
        try
        {
            for (var i = 0; i < count; i++)
            {
                var input = inputs[i];
                names[i] = (nint)Utf8.AddressOf(_inputNamesUtf8[InputIndex(input)]);
                pins[i] = input.Pin();
                nint value;
                fixed (long* shape = input.Shape)
                {
                    // ORT does not copy: the tensor aliases the pinned buffer until ReleaseValue below.
                    api.Check(
                        api.CreateTensorWithDataAsOrtValue(
                            _environment.CpuMemoryInfo, pins[i].Pointer, (nuint)input.ByteLength,
                            shape, (nuint)input.Shape.Length, (int)input.ElementType, &value),
                        "CreateTensorWithDataAsOrtValue");
                }

                values[i] = value;
            }

            // Keeps a concurrent Dispose from releasing the session during the run (throws
            // ObjectDisposedException if it already happened).
            _handle.DangerousAddRef(ref sessionReferenced);
            fixed (nint* inputNames = names)
            fixed (nint* inputValues = values)
            {
                api.Check(
                    api.Run(_handle.DangerousGetHandle(), 0, (byte**)inputNames, inputValues, (nuint)count, outputNames, outputCount, outputs),
                    "Run");
            }
        }
        finally
        {
            if (sessionReferenced)
            {
                _handle.DangerousRelease();
            }

            for (var i = 0; i < count; i++)
            {
                api.ReleaseValue(values[i]);
                pins[i].Dispose();
            }

            ArrayPool<MemoryHandle>.Shared.Return(pins, clearArray: true);
        }
    }

    private int InputIndex(in OnnxInput input)
    {
        if (input.Name is null)
        {
            throw new ArgumentException("An input was default(OnnxInput); create inputs with OnnxInput.Float or OnnxInput.Int64.");
        }

        if (!_inputIndex.TryGetValue(input.Name, out var index))
        {
            throw new ArgumentException($"The model has no input '{input.Name}'; its inputs are: {string.Join(", ", Inputs)}.");
        }

        return index;
    }

    private OnnxTensor CopyOut(string name, nint value)
    {
        var (elementType, shape, data) = Describe(value);
        var count = TensorShape.ElementCount(shape, name);
        switch (elementType)
        {
            case OnnxElementType.Float:
                var floats = GC.AllocateUninitializedArray<float>(count);
                new ReadOnlySpan<float>((void*)data, count).CopyTo(floats);
                return OnnxTensor.FromFloats(name, floats, shape);
            case OnnxElementType.Int64:
                var int64s = GC.AllocateUninitializedArray<long>(count);
                new ReadOnlySpan<long>((void*)data, count).CopyTo(int64s);
                return OnnxTensor.FromInt64s(name, int64s, shape);
            default:
                throw new NotSupportedException($"Output '{name}' has element type {elementType}; this binding reads Float and Int64 outputs.");
        }
    }

    /// <summary>Element type, concrete shape and data address of an output; the address dies with the value.</summary>
    private (OnnxElementType ElementType, long[] Shape, nint Data) Describe(nint value)
    {
        var api = _environment.Api;
        nint info;
        api.Check(api.GetTensorTypeAndShape(value, &info), "GetTensorTypeAndShape");
        int elementType;
        long[] shape;
        try
        {
            nuint rank;
            api.Check(api.GetTensorElementType(info, &elementType), "GetTensorElementType");
            api.Check(api.GetDimensionsCount(info, &rank), "GetDimensionsCount");
            shape = new long[(int)rank];
            fixed (long* dims = shape)
            {
                api.Check(api.GetDimensions(info, dims, rank), "GetDimensions");
            }
        }
        finally
        {
            api.ReleaseTensorTypeAndShapeInfo(info);
        }

        void* data;
        api.Check(api.GetTensorMutableData(value, &data), "GetTensorMutableData");
        return ((OnnxElementType)elementType, shape, (nint)data);
    }
}
