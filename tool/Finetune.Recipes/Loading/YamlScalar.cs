namespace Finetune.Recipes;

/// <summary>A scalar; <see cref="IsPlain"/> is false when quoted, block-styled or tagged <c>!!str</c>.</summary>
internal sealed record YamlScalar(string Value, bool IsPlain, int Line, int Column) : YamlNode(Line, Column)
{
    /// <summary>A plain empty, <c>~</c> or <c>null</c> scalar.</summary>
    public bool IsNull => IsPlain && Value is "" or "~" or "null" or "Null" or "NULL";

    public override string Describe() => IsNull ? "null" : IsPlain ? $"`{Value}`" : $"string \"{Value}\"";
}
