using System.Collections;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace StreamRec.Cli.Hosting;

/// <summary>
/// The configuration keys under a section that match no property of its options type, as full paths
/// (<c>DriftDetector:Detection:CusumTreshold</c>). The binder rejects them too, but names only the leaf
/// and the CLR type; an operator needs the key as they wrote it. Dictionaries (librdkafka pass-through,
/// event type weights) take any key.
/// </summary>
public static class UnknownKeys
{
    public static IEnumerable<string> Find(IConfigurationSection section, Type optionsType)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(optionsType);
        foreach (var child in section.GetChildren())
        {
            var property = optionsType.GetProperty(child.Key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null)
            {
                yield return child.Path;
                continue;
            }

            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (IsComplex(type))
            {
                foreach (var unknown in Find(child, type))
                {
                    yield return unknown;
                }
            }
        }
    }

    /// <summary>A class whose own properties are bound from child keys (not a leaf value, not a dictionary or list).</summary>
    private static bool IsComplex(Type type) =>
        type.IsClass && type != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(type);
}
