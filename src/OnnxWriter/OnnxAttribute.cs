using System.Text;
using Google.Protobuf;
using StreamRec.OnnxWriter.Proto;

namespace StreamRec.OnnxWriter;

/// <summary>
/// Factories for node attributes. Each sets <c>AttributeProto.type</c>, which ONNX requires since IR
/// version 2 and ORT checks.
/// </summary>
public static class OnnxAttribute
{
    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFrom(value, Encoding.UTF8) };

    public static AttributeProto Ints(string name, params ReadOnlySpan<long> values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        foreach (var value in values)
        {
            attribute.Ints.Add(value);
        }

        return attribute;
    }

    public static AttributeProto Floats(string name, params ReadOnlySpan<float> values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Floats };
        foreach (var value in values)
        {
            attribute.Floats.Add(value);
        }

        return attribute;
    }
}
