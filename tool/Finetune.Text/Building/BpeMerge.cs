namespace Finetune.Text.Building;

/// <summary>One BPE merge: two adjacent symbols that become <see cref="Result"/>. Written as "left right".</summary>
public sealed record BpeMerge(string Left, string Right)
{
    /// <summary>The symbol the merge makes.</summary>
    public string Result => Left + Right;

    /// <summary>The tokenizer.json form: both symbols with one space between (byte-level symbols hold no space).</summary>
    public override string ToString() => $"{Left} {Right}";
}
