namespace StreamRec.Training;

/// <summary>The outcome of <see cref="EncoderExport.Verify"/>: the written file encodes like the trainer.</summary>
/// <param name="Items">Items encoded by both.</param>
/// <param name="MaxDifference">Largest absolute difference of one embedding component.</param>
public sealed record EncoderExportCheck(int Items, float MaxDifference);
