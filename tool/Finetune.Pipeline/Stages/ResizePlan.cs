using System.Text.Json.Nodes;

namespace Finetune.Pipeline.Stages;

/// <summary>
/// The resize stage's result: the matrices grow from <see cref="OldRows"/> to <see cref="NewRows"/> rows;
/// rows from <see cref="VocabSize"/> on are padding (never produced: their logits are -inf).
/// </summary>
public sealed record ResizePlan(int OldRows, int NewRows, int VocabSize, bool Tied, int HiddenSize)
{
    public int PaddingRows => NewRows - VocabSize;

    /// <summary>
    /// New rows = the tokenizer's size rounded up to <paramref name="padToMultipleOf"/>, never fewer than
    /// the model already has (a model whose matrix is already padded keeps its rows).
    /// </summary>
    public static ResizePlan Compute(int oldRows, int vocabSize, int? padToMultipleOf, bool tied, int hiddenSize)
    {
        int target = vocabSize;
        if (padToMultipleOf is int m && m > 1) target = (target + m - 1) / m * m;
        return new ResizePlan(oldRows, Math.Max(oldRows, target), vocabSize, tied, hiddenSize);
    }

    public JsonObject ToJson() => new()
    {
        ["old_rows"] = OldRows,
        ["new_rows"] = NewRows,
        ["vocab_size"] = VocabSize,
        ["padding_rows"] = PaddingRows,
        ["tied"] = Tied,
        ["hidden_size"] = HiddenSize,
    };

    public static ResizePlan Read(string stageDir)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(stageDir, ResizeStage.ResultFile)))!;
        return new ResizePlan((int)json["old_rows"]!, (int)json["new_rows"]!, (int)json["vocab_size"]!, (bool)json["tied"]!, (int)json["hidden_size"]!);
    }
}
