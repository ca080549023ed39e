using Finetune.Torch.IO;
using Finetune.Torch.Models;
using static TorchSharp.torch;

namespace Finetune.Torch.Seeding;

/// <summary>
/// The new rows of a resized model, as a small safetensors file instead of a copy of the model:
/// <c>model.embed_tokens.new_rows</c> and, for an untied head, <c>lm_head.new_rows</c>, each
/// (new_rows - first_new_row, hidden) float32, with the first new row in the metadata. The first new row is
/// the old row count, or below it when new tokens take rows the model already pads (Qwen).
/// </summary>
public static class SeedPatch
{
    public const string FileName = "seed.safetensors";
    private const string EmbedName = "model.embed_tokens.new_rows";
    private const string HeadName = "lm_head.new_rows";

    public static void Write(string path, int oldRows, Tensor embedRows, Tensor? headRows)
    {
        var tensors = new List<KeyValuePair<string, Tensor>> { new(EmbedName, embedRows) };
        if (headRows is not null) tensors.Add(new(HeadName, headRows));
        SafetensorsWriter.Write(path, tensors, new Dictionary<string, string> { ["format"] = "pt", ["first_new_row"] = oldRows.ToString(System.Globalization.CultureInfo.InvariantCulture) });
    }

    /// <summary>Resizes <paramref name="model"/> and writes the patch's rows into it (the old rows stay as loaded).</summary>
    public static void Apply(CausalLM model, string path)
    {
        using var file = SafetensorsFile.Open(path);
        int first = int.Parse(file.Metadata["first_new_row"], System.Globalization.CultureInfo.InvariantCulture);
        using var embed = file.Read(EmbedName);
        using var head = file.Contains(HeadName) ? file.Read(HeadName) : null;
        long rows = model.model.embed_tokens.weight!.shape[0];
        if (rows != first && rows != first + embed.shape[0])
            throw new CheckpointException(path, $"the patch writes rows {first}..{first + embed.shape[0] - 1}, but the model has {rows} rows");
        SetRows(model, first, embed, head);
    }

    /// <summary>
    /// Writes new rows from <paramref name="first"/> on into the embedding (and an untied head), resizing
    /// the model first when it has fewer rows.
    /// </summary>
    public static void SetRows(CausalLM model, int first, Tensor embedRows, Tensor? headRows)
    {
        int newRows = first + (int)embedRows.shape[0];
        if (model.model.embed_tokens.weight!.shape[0] < newRows) model.ResizeTokenEmbeddings(newRows);
        using var _ = no_grad();
        model.model.embed_tokens.weight!.narrow(0, first, newRows - first).copy_(embedRows);
        if (model.lm_head is not null && headRows is not null)
            model.lm_head.weight!.narrow(0, first, newRows - first).copy_(headRows);
    }
}
