namespace StreamRec.OnnxWriter;

/// <summary>Shape arithmetic shared by inputs and outputs.</summary>
internal static class TensorShape
{
    /// <summary>Number of elements of a concrete shape; throws for negative or overflowing dimensions.</summary>
    public static int ElementCount(ReadOnlySpan<long> shape, string valueName)
    {
        long count = 1;
        foreach (var dim in shape)
        {
            if (dim < 0)
            {
                throw new ArgumentException($"Tensor '{valueName}' has a negative dimension in shape [{string.Join(", ", shape.ToArray())}].");
            }

            count *= dim;
            if (count > Array.MaxLength)
            {
                throw new ArgumentException($"Tensor '{valueName}' with shape [{string.Join(", ", shape.ToArray())}] has more elements than a .NET array can hold.");
            }
        }

        return (int)count;
    }
}
