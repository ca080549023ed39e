namespace Finetune.Recipes;

/// <summary>
/// Where a prompt ends before the model's next token is read or generated (<c>evaluate.placement</c>, and the
/// two positions of the seed probe).
/// </summary>
public enum PromptPlacement
{
    /// <summary>
    /// After the user turn's end-of-turn marker, without the generation prompt (the original job's probe and
    /// final check): the model must write the assistant header itself.
    /// </summary>
    [RecipeName("after_user_turn")]
    AfterUserTurn,

    /// <summary>After the chat template's generation prompt (the assistant header): where a chat model answers.</summary>
    [RecipeName("after_generation_prompt")]
    AfterGenerationPrompt,
}
