using Finetune.Pipeline.Mapping;
using Finetune.Recipes;
using Finetune.Text.Templates;
using Finetune.Text.Tokenizers;

namespace Finetune.Pipeline.Stages;

/// <summary>
/// A user prompt as the recipe's chat template renders it (the model's own, or <c>data.chat_template</c>),
/// with the pinned <c>template_vars</c>, tokenized as the map stage tokenizes conversations
/// (<see cref="ConversationTokenizer.RenderPrompt"/>): what a chat model sees before answering.
/// </summary>
public sealed class ChatPrompt(Recipe recipe, HfTokenizer tokenizer, string tokenizerFolder)
{
    private readonly ConversationTokenizer _conversations =
        new(tokenizer, LoadTemplate(recipe, tokenizerFolder), recipe.Data.TemplateVars, recipe.Data.LossOn);

    /// <summary>The recipe's chat template: the extended tokenizer folder's own, or the file <c>data.chat_template</c> names.</summary>
    public static ChatTemplate LoadTemplate(Recipe recipe, string tokenizerFolder) => recipe.Data.ChatTemplate == "model"
        ? ChatTemplate.LoadFromModel(tokenizerFolder)
        : ChatTemplate.Load(recipe.ResolvePath(recipe.Data.ChatTemplate));

    /// <summary>One user turn followed by the generation prompt.</summary>
    public (string Text, IReadOnlyList<int> Ids) User(string content) =>
        _conversations.RenderPrompt([new ChatMessage("user", content)]);
}
