namespace StreamRec.DriftDetector.Explanation;

/// <summary>How mutations are explained (section "DriftDetector:Explanation").</summary>
public sealed class ExplanationOptions
{
    /// <summary>Categories named as gained and as lost.</summary>
    public int TopCategories { get; set; } = 3;

    /// <summary>Example items named for the old and for the new interest.</summary>
    public int ExampleItems { get; set; } = 3;

    /// <summary>
    /// Events an item needs (as seen by this process) before it can be named as an example. Rarely seen
    /// items have vectors made mostly of shared features (genres, decade), which lie close to any averaged
    /// interest and would crowd out the items that characterise it.
    /// </summary>
    public int MinExampleItemEvents { get; set; } = 3;

    /// <summary>Items a category needs before its centroid is trusted to explain anything.</summary>
    public int MinCategoryItems { get; set; } = 3;

    /// <summary>Items remembered for explanations (vector, title, categories, ~D x 4 + 200 bytes each); new items beyond it are not added.</summary>
    public int ItemCapacity { get; set; } = 100_000;
}
