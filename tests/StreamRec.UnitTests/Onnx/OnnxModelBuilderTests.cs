using System.Runtime.InteropServices;
using StreamRec.OnnxWriter;
using StreamRec.OnnxWriter.Proto;

namespace StreamRec.UnitTests.Onnx;

public sealed class OnnxModelBuilderTests
{
    private static readonly float[] Weights = [0.5f, -1.25f, 3f, float.Epsilon, -0f, 1e30f];
    private static readonly long[] Offsets = [long.MinValue, -1, 0, 7, long.MaxValue, 42];

    private static OnnxModelBuilder SampleModel()
    {
        var model = new OnnxModelBuilder("sample")
            .WithOpset(17)
            .WithOpset(1, "com.example")
            .WithProducer("unit-test", "1.2.3")
            .WithDocString("a sample")
            .WithMetadata("model_version", "v7")
            .WithMetadata("hashing.seed", "12345");
        model.Graph
            .AddInput("x", OnnxElementType.Float, "batch", 2, 3)
            .AddInput("offsets", OnnxElementType.Int64, 6)
            .AddInitializer("weights", Weights, 2, 3)
            .AddInitializer("offset_table", Offsets, 6)
            .AddInitializer("scale", [2f])
            .AddNode("Mul", ["x", "weights"], ["scaled"])
            .AddNode("ReduceSum", ["scaled", "offsets"], ["summed"], OnnxAttribute.Int("keepdims", 0), OnnxAttribute.Floats("unused", 1f, 2f))
            .AddNode("Cast", ["summed"], ["y"], OnnxAttribute.Int("to", 1), OnnxAttribute.String("note", "héllo"), OnnxAttribute.Ints("list", 3, -4))
            .AddOutput("y", OnnxElementType.Float, "batch");
        return model;
    }

    [Fact]
    public void Written_model_parses_back_with_the_same_header_and_metadata()
    {
        var parsed = ModelProto.Parser.ParseFrom(SampleModel().ToByteArray());

        Assert.Equal(OnnxModelBuilder.IrVersion, parsed.IrVersion);
        Assert.Equal("unit-test", parsed.ProducerName);
        Assert.Equal("1.2.3", parsed.ProducerVersion);
        Assert.Equal("a sample", parsed.DocString);
        Assert.Equal([("", 17L), ("com.example", 1L)], parsed.OpsetImport.Select(o => (o.Domain, o.Version)));
        Assert.Equal([("model_version", "v7"), ("hashing.seed", "12345")], parsed.MetadataProps.Select(p => (p.Key, p.Value)));
    }

    [Fact]
    public void Written_model_parses_back_with_the_same_inputs_outputs_and_dimensions()
    {
        var graph = ModelProto.Parser.ParseFrom(SampleModel().ToByteArray()).Graph;

        Assert.Equal("sample", graph.Name);
        Assert.Equal(["x", "offsets"], graph.Input.Select(i => i.Name));
        var x = graph.Input[0].Type.TensorType;
        Assert.Equal((int)OnnxElementType.Float, x.ElemType);
        Assert.Equal("batch", x.Shape.Dim[0].DimParam);
        Assert.False(x.Shape.Dim[0].HasDimValue);
        Assert.Equal([2L, 3L], x.Shape.Dim.Skip(1).Select(d => d.DimValue));
        Assert.True(x.Shape.Dim[1].HasDimValue);
        Assert.Equal((int)OnnxElementType.Int64, graph.Input[1].Type.TensorType.ElemType);
        var y = Assert.Single(graph.Output);
        Assert.Equal("y", y.Name);
        Assert.Equal("batch", Assert.Single(y.Type.TensorType.Shape.Dim).DimParam);
    }

    [Fact]
    public void Written_model_parses_back_with_the_same_initializer_data()
    {
        var graph = ModelProto.Parser.ParseFrom(SampleModel().ToByteArray()).Graph;

        var weights = graph.Initializer.Single(t => t.Name == "weights");
        Assert.Equal((int)TensorProto.Types.DataType.Float, weights.DataType);
        Assert.Equal([2L, 3L], weights.Dims);
        Assert.Equal(Weights, MemoryMarshal.Cast<byte, float>(weights.RawData.Span).ToArray());

        var offsets = graph.Initializer.Single(t => t.Name == "offset_table");
        Assert.Equal((int)TensorProto.Types.DataType.Int64, offsets.DataType);
        Assert.Equal([6L], offsets.Dims);
        Assert.Equal(Offsets, MemoryMarshal.Cast<byte, long>(offsets.RawData.Span).ToArray());

        var scale = graph.Initializer.Single(t => t.Name == "scale");
        Assert.Empty(scale.Dims);
        Assert.Equal([2f], MemoryMarshal.Cast<byte, float>(scale.RawData.Span).ToArray());
    }

    [Fact]
    public void Written_model_parses_back_with_the_same_nodes_and_attributes()
    {
        var nodes = ModelProto.Parser.ParseFrom(SampleModel().ToByteArray()).Graph.Node;

        Assert.Equal(["Mul", "ReduceSum", "Cast"], nodes.Select(n => n.OpType));
        Assert.Equal(["Mul_0", "ReduceSum_1", "Cast_2"], nodes.Select(n => n.Name));
        Assert.Equal(["scaled", "offsets"], nodes[1].Input);
        Assert.Equal(["summed"], nodes[1].Output);

        var keepdims = nodes[1].Attribute[0];
        Assert.Equal(("keepdims", AttributeProto.Types.AttributeType.Int, 0L), (keepdims.Name, keepdims.Type, keepdims.I));
        Assert.Equal([1f, 2f], nodes[1].Attribute[1].Floats);
        Assert.Equal(AttributeProto.Types.AttributeType.Floats, nodes[1].Attribute[1].Type);
        var cast = nodes[2].Attribute;
        Assert.Equal(1L, cast[0].I);
        Assert.Equal(("note", AttributeProto.Types.AttributeType.String, "héllo"), (cast[1].Name, cast[1].Type, cast[1].S.ToStringUtf8()));
        Assert.Equal([3L, -4L], cast[2].Ints);
        Assert.Equal(AttributeProto.Types.AttributeType.Ints, cast[2].Type);
    }

    // The numbers ARE the file format: these rows are copied from the official onnx/onnx.proto, so a
    // wrong edit of Proto/onnx.proto fails here rather than as an unreadable model.
    [Theory]
    [InlineData("onnx.ModelProto", "ir_version", 1)]
    [InlineData("onnx.ModelProto", "producer_name", 2)]
    [InlineData("onnx.ModelProto", "producer_version", 3)]
    [InlineData("onnx.ModelProto", "doc_string", 6)]
    [InlineData("onnx.ModelProto", "graph", 7)]
    [InlineData("onnx.ModelProto", "opset_import", 8)]
    [InlineData("onnx.ModelProto", "metadata_props", 14)]
    [InlineData("onnx.GraphProto", "node", 1)]
    [InlineData("onnx.GraphProto", "name", 2)]
    [InlineData("onnx.GraphProto", "initializer", 5)]
    [InlineData("onnx.GraphProto", "input", 11)]
    [InlineData("onnx.GraphProto", "output", 12)]
    [InlineData("onnx.NodeProto", "input", 1)]
    [InlineData("onnx.NodeProto", "output", 2)]
    [InlineData("onnx.NodeProto", "name", 3)]
    [InlineData("onnx.NodeProto", "op_type", 4)]
    [InlineData("onnx.NodeProto", "attribute", 5)]
    [InlineData("onnx.NodeProto", "domain", 7)]
    [InlineData("onnx.AttributeProto", "name", 1)]
    [InlineData("onnx.AttributeProto", "f", 2)]
    [InlineData("onnx.AttributeProto", "i", 3)]
    [InlineData("onnx.AttributeProto", "s", 4)]
    [InlineData("onnx.AttributeProto", "floats", 7)]
    [InlineData("onnx.AttributeProto", "ints", 8)]
    [InlineData("onnx.AttributeProto", "type", 20)]
    [InlineData("onnx.TensorProto", "dims", 1)]
    [InlineData("onnx.TensorProto", "data_type", 2)]
    [InlineData("onnx.TensorProto", "float_data", 4)]
    [InlineData("onnx.TensorProto", "int64_data", 7)]
    [InlineData("onnx.TensorProto", "name", 8)]
    [InlineData("onnx.TensorProto", "raw_data", 9)]
    [InlineData("onnx.ValueInfoProto", "name", 1)]
    [InlineData("onnx.ValueInfoProto", "type", 2)]
    [InlineData("onnx.TypeProto", "tensor_type", 1)]
    [InlineData("onnx.TypeProto.Tensor", "elem_type", 1)]
    [InlineData("onnx.TypeProto.Tensor", "shape", 2)]
    [InlineData("onnx.TensorShapeProto", "dim", 1)]
    [InlineData("onnx.TensorShapeProto.Dimension", "dim_value", 1)]
    [InlineData("onnx.TensorShapeProto.Dimension", "dim_param", 2)]
    [InlineData("onnx.OperatorSetIdProto", "domain", 1)]
    [InlineData("onnx.OperatorSetIdProto", "version", 2)]
    [InlineData("onnx.StringStringEntryProto", "key", 1)]
    [InlineData("onnx.StringStringEntryProto", "value", 2)]
    public void Proto_field_numbers_match_the_official_onnx_proto(string message, string field, int number)
    {
        var descriptor = OnnxReflection.Descriptor.MessageTypes
            .SelectMany(Flatten)
            .Single(m => m.FullName == message);

        Assert.Equal(number, descriptor.FindFieldByName(field).FieldNumber);
    }

    [Fact]
    public void Node_reading_an_undefined_value_is_rejected_naming_it()
    {
        var model = new OnnxModelBuilder("broken").WithOpset(17);
        model.Graph.AddInput("x", OnnxElementType.Float, 1)
            .AddNode("Add", ["x", "typo"], ["y"])
            .AddOutput("y", OnnxElementType.Float, 1);

        var error = Assert.Throws<InvalidOperationException>(model.Build);

        Assert.Contains("'typo'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Value_defined_twice_is_rejected()
    {
        var model = new OnnxModelBuilder("broken").WithOpset(17);
        model.Graph.AddInput("x", OnnxElementType.Float, 1)
            .AddInitializer("x", [1f], 1)
            .AddNode("Identity", ["x"], ["y"])
            .AddOutput("y", OnnxElementType.Float, 1);

        var error = Assert.Throws<InvalidOperationException>(model.Build);

        Assert.Contains("'x'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Graph_output_that_nothing_produces_is_rejected()
    {
        var model = new OnnxModelBuilder("broken").WithOpset(17);
        model.Graph.AddInput("x", OnnxElementType.Float, 1).AddOutput("y", OnnxElementType.Float, 1);

        var error = Assert.Throws<InvalidOperationException>(model.Build);

        Assert.Contains("'y'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Model_without_an_operator_set_is_rejected()
    {
        var model = new OnnxModelBuilder("no_opset");
        model.Graph.AddInput("x", OnnxElementType.Float, 1).AddNode("Identity", ["x"], ["y"]).AddOutput("y", OnnxElementType.Float, 1);

        Assert.Throws<InvalidOperationException>(model.Build);
    }

    [Fact]
    public void Initializer_whose_data_does_not_fill_its_dims_is_rejected()
    {
        var graph = new OnnxGraphBuilder("g");

        var error = Assert.Throws<ArgumentException>(() => graph.AddInitializer("table", [1f, 2f, 3f], 2, 2));

        Assert.Contains("'table'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_metadata_key_is_rejected()
    {
        var model = new OnnxModelBuilder("g").WithMetadata("k", "1");

        Assert.Throws<ArgumentException>(() => model.WithMetadata("k", "2"));
    }

    [Fact]
    public void Written_file_parses_back_and_leaves_no_temporary_file()
    {
        var directory = Directory.CreateTempSubdirectory("streamrec-onnx-");
        try
        {
            var path = Path.Combine(directory.FullName, "model.onnx");
            File.WriteAllText(path, "an older model that must be replaced");

            SampleModel().WriteFile(path);

            Assert.Equal("sample", ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph.Name);
            Assert.Equal([path], Directory.GetFiles(directory.FullName));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static IEnumerable<Google.Protobuf.Reflection.MessageDescriptor> Flatten(Google.Protobuf.Reflection.MessageDescriptor message) =>
        message.NestedTypes.SelectMany(Flatten).Prepend(message);
}
