using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using StreamRec.Contracts;

namespace StreamRec.Embedder.Stage;

/// <summary>
/// Reads a record of the optional catalog topic. The rules are the ones Ingest applies to the same
/// attributes in events (ids of at most 256 characters, at most 64 categories and 64 tags, no empty or
/// null entries), so that a catalog item can never be something an event could not have described.
/// A failure names the rule and the field, never a value.
/// </summary>
public static class CatalogItemReader
{
    public const int MaxIdLength = 256;

    public const int MaxListItems = 64;

    public const int MaxTitleLength = 1024;

    public static bool TryRead(byte[]? value, [NotNullWhen(true)] out CatalogItemRecord? item, [NotNullWhen(false)] out string? detail)
    {
        item = null;
        if (value is null || value.Length == 0)
        {
            detail = "the record has no value";
            return false;
        }

        CatalogItemRecord? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize(value, ContractsJsonContext.Default.CatalogItemRecord);
        }
        catch (JsonException e)
        {
            detail = $"not a catalog item (line {e.LineNumber}, byte {e.BytePositionInLine})";
            return false;
        }

        detail = parsed switch
        {
            null => "the record value is JSON null",
            { SchemaVersion: not (null or CatalogItemRecord.CurrentSchemaVersion) } p => $"unsupported schema_version {p.SchemaVersion}; this build reads version {CatalogItemRecord.CurrentSchemaVersion}",
            { ItemId: null or "" } => "item_id is missing or empty",
            { ItemId.Length: > MaxIdLength } => $"item_id is longer than {MaxIdLength} characters",
            { Title.Length: > MaxTitleLength } => $"title is longer than {MaxTitleLength} characters",
            _ => CheckList(parsed.Categories, "categories") ?? CheckList(parsed.Tags, "tags"),
        };
        if (detail is not null || parsed is null)
        {
            detail ??= "the record value is JSON null";
            return false;
        }

        item = parsed;
        return true;
    }

    private static string? CheckList(IReadOnlyList<string>? values, string field) => values switch
    {
        null => null,
        { Count: > MaxListItems } => $"{field} has more than {MaxListItems} entries",
        _ when values.Any(string.IsNullOrEmpty) => $"{field} holds a null or empty entry",
        _ => null,
    };
}
