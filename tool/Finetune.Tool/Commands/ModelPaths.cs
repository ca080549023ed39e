using Finetune.Torch.Models;
using static TorchSharp.torch;
using Finetune.Text.Templates;
using Finetune.Text.Tokenizers;

namespace Finetune.Tool.Commands;

/// <summary>
/// The <c>--model PATH</c> of the inference commands: a Hugging Face model folder or a .gguf file. Checked
/// before anything loads so that a wrong path is one line naming it.
/// </summary>
public static class ModelPaths
{
    /// <summary>The path, checked to be a folder or a .gguf / .safetensors file (or, for tokenizer-only commands, a tokenizer.json).</summary>
    public static string Require(string? path, bool tokenizerJson = false)
    {
        if (string.IsNullOrEmpty(path)) throw new UserInputException("--model is required (a Hugging Face model folder or a .gguf file)");
        if (Directory.Exists(path)) return path;
        if (!File.Exists(path)) throw new UserInputException($"{path}: no such model file or folder");
        if (path.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
            return path;
        if (tokenizerJson && path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            return path;
        throw new UserInputException($"{path}: unknown model file type (expected a Hugging Face model folder or a .gguf file)");
    }

    /// <summary>The tokenizer of a model folder, a .gguf file, or the folder holding a .safetensors file.</summary>
    public static HfTokenizer Tokenizer(string path) =>
        HfTokenizer.Load(path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) ? Path.GetDirectoryName(Path.GetFullPath(path))! : path);

    /// <summary>
    /// The model's chat template: chat_template.jinja or tokenizer_config.json in a folder; a GGUF file's
    /// <c>tokenizer.chat_template</c> with its bos/eos tokens as defaults.
    /// </summary>
    public static ChatTemplate ChatTemplate(string path, HfTokenizer? tokenizer = null)
    {
        if (!path.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase))
            return Text.Templates.ChatTemplate.LoadFromModel(path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase)
                ? Path.GetDirectoryName(Path.GetFullPath(path))! : path);
        tokenizer ??= HfTokenizer.Load(path);
        var source = tokenizer.ChatTemplate ?? throw new UserInputException($"{path}: the GGUF file has no chat template (tokenizer.chat_template)");
        var tokens = new Dictionary<string, string>(StringComparer.Ordinal);
        if (tokenizer.BosToken is { } bos) tokens["bos_token"] = bos;
        if (tokenizer.EosToken is { } eos) tokens["eos_token"] = eos;
        return Text.Templates.ChatTemplate.Parse(source, Path.GetFileName(path)).WithSpecialTokens(tokens);
    }

    /// <summary>
    /// A model to generate with: padding rows of a padded vocabulary (rows past the tokenizer) are never
    /// produced, and generation stops at the end ids of the tokenizer, generation_config.json and config.json.
    /// </summary>
    public static (CausalLM Model, IReadOnlySet<int> StopIds) ForGeneration(string path, HfTokenizer tokenizer, ScalarType? dtype = null)
    {
        var model = CausalLM.Load(path, dtype);
        if (tokenizer.VocabSize < model.Config.VocabSize) model.RealVocabSize = tokenizer.VocabSize;
        return (model, tokenizer.EosIds.Concat(model.Config.EosTokenIds).ToHashSet());
    }
}
