using System.Text.Json.Serialization;

namespace StreamRec.Storage;

/// <summary>Source-generated JSON for the values StreamRec keeps in Redis.</summary>
[JsonSerializable(typeof(string[]))]
internal sealed partial class StorageJsonContext : JsonSerializerContext;
