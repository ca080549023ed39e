using Finetune.Pipeline.Mapping;
using Finetune.Recipes;
using Finetune.Text.Templates;
using Finetune.Text.Tokenizers;

namespace Finetune.Pipeline.Stages;

/// <summary>
/// A user prompt as the recipe's chat template renders it (the model's own, or <c>data.chat_template</c>),
/// with the pinned <c>template_vars</c>, tokenized as the map stage tokenizes conversations
/// (<see cref="ConversationTokenizer.RenderPrompt"/>): what a chat model sees before answering, ending
/// after the user turn or after the generation prompt (<see cref="PromptPlacement"/>).
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
    public (string Text, IReadOnlyList<int> Ids) User(string content) => User(content, PromptPlacement.AfterGenerationPrompt);

    /// <summary>One user turn, ending where <paramref name="placement"/> says.</summary>
    public (string Text, IReadOnlyList<int> Ids) User(string content, PromptPlacement placement) =>
        _conversations.RenderPrompt([new ChatMessage("user", content)], placement == PromptPlacement.AfterGenerationPrompt);

    /// <summary>
    /// What the template appends after a user turn to ask for the assistant's answer (Llama 3:
    /// <c>&lt;|start_header_id|&gt;assistant&lt;|end_header_id|&gt;\n\n</c>): the header a model started after the user
    /// turn must write itself.
    /// </summary>
    public string GenerationPrompt
    {
        get
        {
            var with = User("?", PromptPlacement.AfterGenerationPrompt).Text;
            var without = User("?", PromptPlacement.AfterUserTurn).Text;
            return with.StartsWith(without, StringComparison.Ordinal) ? with[without.Length..] : "";
        }
    }

    /// <summary>
    /// A prompt rendered with the generation prompt (the map stage's test prompts), moved to
    /// <paramref name="placement"/>: unchanged, or with the generation prompt cut off its end and re-tokenized.
    /// </summary>
    public IReadOnlyList<int> Place(string renderedWithGenerationPrompt, IReadOnlyList<int> ids, PromptPlacement placement)
    {
        if (placement == PromptPlacement.AfterGenerationPrompt) return ids;
        var suffix = GenerationPrompt;
        if (suffix.Length == 0 || !renderedWithGenerationPrompt.EndsWith(suffix, StringComparison.Ordinal))
            throw new PipelineException($"evaluate.placement: after_user_turn: a test prompt does not end with the chat template's generation prompt {suffix}, so its user turn cannot be found");
        return tokenizer.EncodeRendered(renderedWithGenerationPrompt[..^suffix.Length]);
    }
}
