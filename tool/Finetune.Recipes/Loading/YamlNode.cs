namespace Finetune.Recipes;

/// <summary>A node of the YAML representation tree with its 1-based start position.</summary>
internal abstract record YamlNode(int Line, int Column)
{
    /// <summary>"a mapping", "a list", or the scalar as written, for "got ..." messages.</summary>
    public abstract string Describe();
}
