using Google.Protobuf;
using StreamRec.OnnxWriter.Proto;

namespace StreamRec.OnnxWriter;

/// <summary>
/// Writes an ONNX model: a graph (<see cref="Graph"/>) plus the model-level fields ONNX Runtime reads
/// (IR version, operator set imports, producer) and free-form <c>metadata_props</c>, which a session
/// reports back as its custom metadata (ONNX Runtime's <c>ModelMetadata.CustomMetadataMap</c>).
/// </summary>
/// <example>
/// <code>
/// var model = new OnnxModelBuilder("doubler").WithOpset(17);
/// model.Graph.AddInput("x", OnnxElementType.Float, "batch")
///     .AddInitializer("two", [2f])
///     .AddNode("Mul", ["x", "two"], ["y"])
///     .AddOutput("y", OnnxElementType.Float, "batch");
/// byte[] bytes = model.ToByteArray();
/// </code>
/// </example>
public sealed class OnnxModelBuilder
{
    /// <summary>
    /// The IR version of every model written: 8 (ONNX 1.10-1.12) is the one that goes with opset 17; ORT
    /// 1.30 reads IR versions up to 11, so newer is possible but buys nothing for these operators.
    /// </summary>
    public const long IrVersion = 8;

    private readonly Dictionary<string, long> _opsets = new(StringComparer.Ordinal);
    private readonly List<KeyValuePair<string, string>> _metadata = [];
    private string _producerName = "StreamRec";
    private string _producerVersion = string.Empty;
    private string _docString = string.Empty;

    public OnnxModelBuilder(string graphName)
    {
        Graph = new OnnxGraphBuilder(graphName);
    }

    public OnnxGraphBuilder Graph { get; }

    /// <summary>Imports an operator set; the empty domain is the standard ONNX one (<c>ai.onnx</c>).</summary>
    public OnnxModelBuilder WithOpset(long version, string domain = "")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        _opsets[domain] = version;
        return this;
    }

    public OnnxModelBuilder WithProducer(string name, string version)
    {
        _producerName = name;
        _producerVersion = version;
        return this;
    }

    public OnnxModelBuilder WithDocString(string docString)
    {
        _docString = docString;
        return this;
    }

    /// <summary>Adds a <c>metadata_props</c> entry; keys must be distinct (onnx.proto).</summary>
    public OnnxModelBuilder WithMetadata(string key, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentNullException.ThrowIfNull(value);
        if (_metadata.Exists(entry => entry.Key == key))
        {
            throw new ArgumentException($"Metadata key '{key}' is already set.", nameof(key));
        }

        _metadata.Add(new(key, value));
        return this;
    }

    /// <exception cref="InvalidOperationException">No operator set was imported, or the graph is miswired.</exception>
    public ModelProto Build()
    {
        if (_opsets.Count == 0)
        {
            throw new InvalidOperationException("The model imports no operator set; call WithOpset (e.g. WithOpset(17)).");
        }

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = _producerName,
            ProducerVersion = _producerVersion,
            DocString = _docString,
            Graph = Graph.Build(),
        };
        model.OpsetImport.Add(_opsets.Select(opset => new OperatorSetIdProto { Domain = opset.Key, Version = opset.Value }));
        model.MetadataProps.Add(_metadata.Select(entry => new StringStringEntryProto { Key = entry.Key, Value = entry.Value }));
        return model;
    }

    /// <summary>The serialized model, ready for an ONNX Runtime session.</summary>
    public byte[] ToByteArray() => Build().ToByteArray();

    /// <summary>
    /// Writes the model to <paramref name="path"/> atomically: a reader (a restarting embedder) sees the
    /// old file or the complete new one, never a half-written model.
    /// </summary>
    public void WriteFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var model = Build();
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        try
        {
            using (var stream = File.Create(temporary))
            {
                model.WriteTo(stream);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            // Do not leave a partial temporary file behind; the caller still gets the original error.
            File.Delete(temporary);
            throw;
        }
    }
}
