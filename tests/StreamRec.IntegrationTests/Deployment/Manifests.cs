using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace StreamRec.IntegrationTests.Deployment;

/// <summary>
/// The Kubernetes objects of a rendered chart, parsed from its multi-document YAML into JSON trees
/// (every scalar a string, as it was written), with lookups by kind and name.
/// </summary>
public sealed class Manifests
{
    private Manifests(string yaml, List<JsonObject> objects)
    {
        Yaml = yaml;
        Objects = objects;
    }

    /// <summary>The rendered text, as the renderer printed it.</summary>
    public string Yaml { get; }

    public IReadOnlyList<JsonObject> Objects { get; }

    public static Manifests Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var objects = stream.Documents
            .Select(d => ToJson(d.RootNode))
            .OfType<JsonObject>() // a document holding only comments parses as an empty scalar
            .ToList();
        return new Manifests(yaml, objects);
    }

    public IEnumerable<JsonObject> OfKind(string kind) =>
        Objects.Where(o => (string?)o["kind"] == kind);

    public JsonObject Single(string kind, string name)
    {
        var matches = OfKind(kind).Where(o => Name(o) == name).ToList();
        Assert.True(matches.Count == 1, $"expected one {kind} {name}, found {matches.Count}; objects: {string.Join(", ", Objects.Select(o => $"{o["kind"]}/{Name(o)}"))}");
        return matches[0];
    }

    public static string Name(JsonObject o) => (string?)o["metadata"]?["name"] ?? "";

    /// <summary>The only container of a Deployment's pods (StreamRec pods have one).</summary>
    public static JsonObject Container(JsonObject deployment) =>
        Assert.Single(deployment["spec"]!["template"]!["spec"]!["containers"]!.AsArray())!.AsObject();

    /// <summary>A container's environment as name -> entry.</summary>
    public static Dictionary<string, JsonObject> Environment(JsonObject container) =>
        (container["env"]?.AsArray() ?? []).Select(e => e!.AsObject()).ToDictionary(e => (string)e["name"]!, StringComparer.Ordinal);

    /// <summary>The container's arguments.</summary>
    public static List<string> Arguments(JsonObject container) =>
        (container["args"]?.AsArray() ?? []).Select(a => (string)a!).ToList();

    /// <summary>appsettings.json of the chart's ConfigMap.</summary>
    public JsonObject AppSettings()
    {
        var map = Assert.Single(OfKind("ConfigMap"), c => Name(c).EndsWith("-config", StringComparison.Ordinal));
        return JsonNode.Parse((string)map["data"]!["appsettings.json"]!)!.AsObject();
    }

    /// <summary>A deep copy, for tests that break a manifest on purpose.</summary>
    public Manifests With(Action<List<JsonObject>> change)
    {
        var copies = Objects.Select(o => o.DeepClone().AsObject()).ToList();
        change(copies);
        return new Manifests(Yaml, copies);
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c =>
            KeyValuePair.Create(((YamlScalarNode)c.Key).Value ?? "", ToJson(c.Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(ToJson)]),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: null or "" or "~" or "null" } => null,
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => throw new InvalidDataException($"unexpected YAML node {node.NodeType}"),
    };
}
