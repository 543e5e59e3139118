using System.Runtime.InteropServices;
using Google.Protobuf;
using StreamRec.OnnxWriter.Proto;

namespace StreamRec.OnnxWriter;

/// <summary>
/// Builds an ONNX <see cref="GraphProto"/>: typed inputs and outputs with fixed or symbolic dimensions,
/// constant initializers and operator nodes in execution order. <see cref="Build"/> checks the wiring
/// (every value defined once, before use) so that a mistake names the value here instead of surfacing as
/// a terse ORT load error.
/// </summary>
public sealed class OnnxGraphBuilder
{
    private readonly GraphProto _graph;

    public OnnxGraphBuilder(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _graph = new GraphProto { Name = name };
    }

    public OnnxGraphBuilder AddInput(string name, OnnxElementType elementType, params ReadOnlySpan<OnnxDimension> shape)
    {
        _graph.Input.Add(ValueInfo(name, elementType, shape));
        return this;
    }

    public OnnxGraphBuilder AddOutput(string name, OnnxElementType elementType, params ReadOnlySpan<OnnxDimension> shape)
    {
        _graph.Output.Add(ValueInfo(name, elementType, shape));
        return this;
    }

    /// <summary>A constant float32 tensor (row-major); no dimensions means a scalar.</summary>
    public OnnxGraphBuilder AddInitializer(string name, ReadOnlySpan<float> data, params ReadOnlySpan<long> dims)
    {
        _graph.Initializer.Add(Tensor(name, OnnxElementType.Float, MemoryMarshal.AsBytes(data), data.Length, dims));
        return this;
    }

    /// <summary>A constant int64 tensor (row-major); no dimensions means a scalar.</summary>
    public OnnxGraphBuilder AddInitializer(string name, ReadOnlySpan<long> data, params ReadOnlySpan<long> dims)
    {
        _graph.Initializer.Add(Tensor(name, OnnxElementType.Int64, MemoryMarshal.AsBytes(data), data.Length, dims));
        return this;
    }

    /// <summary>
    /// Appends a node of the default ONNX domain. Nodes run in the order added, so add each after the
    /// nodes producing its inputs. The node is named <c>{opType}_{index}</c> for readable ORT errors.
    /// </summary>
    public OnnxGraphBuilder AddNode(string opType, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs, params ReadOnlySpan<AttributeProto> attributes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(opType);
        var node = new NodeProto { OpType = opType, Name = $"{opType}_{_graph.Node.Count}" };
        node.Input.Add(inputs);
        node.Output.Add(outputs);
        foreach (var attribute in attributes)
        {
            node.Attribute.Add(attribute);
        }

        _graph.Node.Add(node);
        return this;
    }

    /// <summary>A checked copy of the graph built so far.</summary>
    /// <exception cref="InvalidOperationException">A value is defined twice, used before it is defined, or an output is never produced.</exception>
    public GraphProto Build()
    {
        var defined = new HashSet<string>(StringComparer.Ordinal);
        void Define(string name, string what)
        {
            if (!defined.Add(name))
            {
                throw new InvalidOperationException($"Graph '{_graph.Name}': value '{name}' ({what}) is defined more than once.");
            }
        }

        foreach (var input in _graph.Input)
        {
            Define(input.Name, "graph input");
        }

        foreach (var initializer in _graph.Initializer)
        {
            Define(initializer.Name, "initializer");
        }

        foreach (var node in _graph.Node)
        {
            // An empty name stands for an omitted optional input.
            foreach (var input in node.Input.Where(input => input.Length > 0 && !defined.Contains(input)))
            {
                throw new InvalidOperationException($"Graph '{_graph.Name}': node {node.Name} reads '{input}' before anything defines it.");
            }

            foreach (var output in node.Output)
            {
                Define(output, $"output of {node.Name}");
            }
        }

        foreach (var output in _graph.Output.Where(output => !defined.Contains(output.Name)))
        {
            throw new InvalidOperationException($"Graph '{_graph.Name}': graph output '{output.Name}' is never produced.");
        }

        return _graph.Clone();
    }

    private static ValueInfoProto ValueInfo(string name, OnnxElementType elementType, ReadOnlySpan<OnnxDimension> shape)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var tensorShape = new TensorShapeProto();
        foreach (var dim in shape)
        {
            tensorShape.Dim.Add(dim.Symbol is { } symbol
                ? new TensorShapeProto.Types.Dimension { DimParam = symbol }
                : new TensorShapeProto.Types.Dimension { DimValue = dim.Size ?? throw new ArgumentException($"Value '{name}' has an empty dimension.", nameof(shape)) });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)elementType, Shape = tensorShape } },
        };
    }

    private static TensorProto Tensor(string name, OnnxElementType elementType, ReadOnlySpan<byte> bytes, int length, ReadOnlySpan<long> dims)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var expected = TensorShape.ElementCount(dims, name);
        if (expected != length)
        {
            throw new ArgumentException($"Initializer '{name}' has {length} elements but dims [{string.Join(", ", dims.ToArray())}] need {expected}.");
        }

        // raw_data must be little-endian (onnx.proto). It is the compact choice for large tables: one
        // memcpy here and in the runtime, instead of a varint/float per element.
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("The ONNX writer stores raw_data in machine order and supports little-endian machines only.");
        }

        var tensor = new TensorProto { Name = name, DataType = (int)elementType, RawData = ByteString.CopyFrom(bytes) };
        foreach (var dim in dims)
        {
            tensor.Dims.Add(dim);
        }

        return tensor;
    }
}
