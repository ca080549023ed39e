using Finetune.Pipeline.Mapping;
using Finetune.Recipes;
using Finetune.Text.Templates;
using Finetune.Text.Tokenizers;

namespace Finetune.Pipeline.Stages;

/// <summary>
/// A user prompt as the recipe's chat template renders it (the model's own, or the file
/// <c>data.chat_template</c> names), with the pinned <c>template_vars</c>, tokenized as the map stage tokenizes
/// conversations (<see cref="ConversationTokenizer.RenderPrompt"/>): what a chat model sees before answering.
/// </summary>
public sealed class ChatPrompt(string? templateFile, IReadOnlyDictionary<string, string> templateVars, HfTokenizer tokenizer, string tokenizerFolder)
{
    // A prompt has no loss mask, so loss_on plays no part in rendering it.
    private readonly ConversationTokenizer _conversations =
        new(tokenizer, LoadTemplate(templateFile, tokenizerFolder), templateVars, LossOn.Assistant);

    /// <summary>The chat template: the extended tokenizer folder's own, or <paramref name="templateFile"/> when the recipe names one.</summary>
    public static ChatTemplate LoadTemplate(string? templateFile, string tokenizerFolder) => templateFile is null
        ? ChatTemplate.LoadFromModel(tokenizerFolder)
        : ChatTemplate.Load(templateFile);

    /// <summary>One user turn followed by the generation prompt.</summary>
    public (string Text, IReadOnlyList<int> Ids) User(string content) =>
        _conversations.RenderPrompt([new ChatMessage("user", content)]);
}
