using Finetune.Recipes;
using Finetune.Text.Templates;
using Finetune.Text.Tokenizers;

namespace Finetune.Pipeline.Stages;

/// <summary>
/// A prompt as the recipe's chat template renders it (the model's own, or <c>data.chat_template</c>),
/// with the pinned <c>template_vars</c>, tokenized without a second BOS when the template emits one.
/// </summary>
public sealed class ChatPrompt
{
    private readonly ChatTemplate _template;
    private readonly HfTokenizer _tokenizer;
    private readonly IReadOnlyDictionary<string, object?> _vars;

    public ChatPrompt(Recipe recipe, HfTokenizer tokenizer, string tokenizerFolder)
    {
        _tokenizer = tokenizer;
        _template = recipe.Data.ChatTemplate == "model"
            ? ChatTemplate.LoadFromModel(tokenizerFolder)
            : ChatTemplate.Load(recipe.ResolvePath(recipe.Data.ChatTemplate));
        _vars = recipe.Data.TemplateVars.ToDictionary(kv => kv.Key, kv => (object?)kv.Value, StringComparer.Ordinal);
    }

    public ChatTemplate Template => _template;

    /// <summary>One user turn followed by the generation prompt: what a chat model sees before answering.</summary>
    public (string Text, IReadOnlyList<int> Ids) User(string content) =>
        Render([new Dictionary<string, object?> { ["role"] = "user", ["content"] = content }], addGenerationPrompt: true);

    public (string Text, IReadOnlyList<int> Ids) Render(IReadOnlyList<IReadOnlyDictionary<string, object?>> messages, bool addGenerationPrompt)
    {
        var text = _template.RenderMessages(messages, addGenerationPrompt, _tokenizer.BosToken, _tokenizer.EosToken, _vars).Text;
        return (text, Encode(text));
    }

    /// <summary>Token ids of rendered text: BOS is added only when the template did not write it.</summary>
    public IReadOnlyList<int> Encode(string text)
    {
        bool templateHasBos = _tokenizer.BosToken is { Length: > 0 } bos && text.StartsWith(bos, StringComparison.Ordinal);
        return _tokenizer.Encode(text, addBos: !templateHasBos);
    }
}
