namespace Finetune.Pipeline.Data;

/// <summary>The rows a recipe trains on and the held-out rows it evaluates on, in shuffled order.</summary>
public sealed record DatasetSplit(IReadOnlyList<DataRow> Train, IReadOnlyList<DataRow> Test);
