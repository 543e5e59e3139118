namespace StreamRec.DriftDetector.Explanation;

/// <summary>How mutations are explained (section "DriftDetector:Explanation").</summary>
public sealed class ExplanationOptions
{
    /// <summary>Categories named as gained and as lost.</summary>
    public int TopCategories { get; set; } = 3;

    /// <summary>Example items named for the old and for the new interest.</summary>
    public int ExampleItems { get; set; } = 3;

    /// <summary>Items a category needs before its centroid is trusted to explain anything.</summary>
    public int MinCategoryItems { get; set; } = 3;

    /// <summary>Public catalog items loaded for explanations (vector, title, categories, ~D x 4 + 200 bytes each), the first in item id order; items beyond it are not loaded.</summary>
    public int ItemCapacity { get; set; } = 100_000;
}
