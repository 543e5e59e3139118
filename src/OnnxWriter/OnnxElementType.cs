namespace StreamRec.OnnxWriter;

/// <summary>
/// Tensor element types, numbered as ONNX's <c>TensorProto.DataType</c> and ORT's
/// <c>ONNXTensorElementDataType</c> (the two agree). The writer stores <see cref="Float"/> and
/// <see cref="Int64"/> initializers; any type can be declared for a graph's inputs and outputs.
/// </summary>
public enum OnnxElementType
{
    Undefined = 0,
    Float = 1,
    UInt8 = 2,
    Int8 = 3,
    UInt16 = 4,
    Int16 = 5,
    Int32 = 6,
    Int64 = 7,
    String = 8,
    Bool = 9,
    Float16 = 10,
    Double = 11,
    UInt32 = 12,
    UInt64 = 13,
    Complex64 = 14,
    Complex128 = 15,
    BFloat16 = 16,
}
