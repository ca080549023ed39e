namespace Finetune.Text.Building;

/// <summary>
/// The ids a model folder's config.json and generation_config.json need, from the tokenizer just written:
/// <see cref="VocabSize"/> is the BPE vocabulary plus the special tokens.
/// </summary>
public sealed record WrittenTokenizer(
    int VocabSize,
    int BosTokenId,
    int EosTokenId,
    int? PadTokenId,
    IReadOnlyDictionary<string, int> SpecialTokenIds);
