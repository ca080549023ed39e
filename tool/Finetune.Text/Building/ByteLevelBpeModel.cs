namespace Finetune.Text.Building;

/// <summary>
/// A byte-level BPE vocabulary and its merges. <see cref="Vocab"/>[id] is the token with that id (a byte-level
/// string); <see cref="Merges"/> are in rank order (first = applied first).
/// </summary>
public sealed record ByteLevelBpeModel(IReadOnlyList<string> Vocab, IReadOnlyList<BpeMerge> Merges);
