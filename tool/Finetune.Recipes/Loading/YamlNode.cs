namespace Finetune.Recipes;

/// <summary>A node of the YAML representation tree with its 1-based start position.</summary>
internal abstract record YamlNode(int Line, int Column)
{
    /// <summary>"a mapping", "a list", or the scalar as written, for "got ..." messages.</summary>
    public abstract string Describe();
}

/// <summary>A scalar; <see cref="IsPlain"/> is false when quoted, block-styled or tagged <c>!!str</c>.</summary>
internal sealed record YamlScalar(string Value, bool IsPlain, int Line, int Column) : YamlNode(Line, Column)
{
    /// <summary>A plain empty, <c>~</c> or <c>null</c> scalar.</summary>
    public bool IsNull => IsPlain && Value is "" or "~" or "null" or "Null" or "NULL";

    public override string Describe() => IsNull ? "null" : IsPlain ? $"`{Value}`" : $"string \"{Value}\"";
}

/// <summary>A list.</summary>
internal sealed record YamlSequence(IReadOnlyList<YamlNode> Items, int Line, int Column) : YamlNode(Line, Column)
{
    public override string Describe() => "a list";
}

/// <summary>A mapping, its entries in file order (duplicates kept so they can be reported).</summary>
internal sealed record YamlMapping(IReadOnlyList<KeyValuePair<YamlNode, YamlNode>> Entries, int Line, int Column) : YamlNode(Line, Column)
{
    public override string Describe() => "a mapping";
}
