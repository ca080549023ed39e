using Finetune.Pipeline.Mapping;
using Finetune.Recipes;
using Finetune.Text.Templates;
using Finetune.Text.Tokenizers;

namespace Finetune.Pipeline.Stages;

/// <summary>
/// A user prompt as the recipe's chat template renders it (the model's own, or the file
/// <c>data.chat_template</c> names), with the pinned <c>template_vars</c>, tokenized as the map stage tokenizes
/// conversations (<see cref="ConversationTokenizer.RenderPrompt"/>): what a chat model sees before answering,
/// ending after the user turn or after the generation prompt (<see cref="PromptPlacement"/>).
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
