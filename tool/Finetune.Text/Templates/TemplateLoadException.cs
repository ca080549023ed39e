namespace Finetune.Text.Templates;

/// <summary>A model folder or file holds no usable chat template; <see cref="Path"/> names what was read.</summary>
public sealed class TemplateLoadException(string message, string path) : Exception($"{path}: {message}")
{
    public string Path { get; } = path;
}
