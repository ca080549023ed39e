using System.ComponentModel;

namespace Finetune.Recipes;

/// <summary>One chat message of <c>data.messages</c>, rendered from a dataset row.</summary>
public sealed record MessageTemplate
{
    /// <summary>Chat role: system, user, assistant or another role the chat template knows.</summary>
    [RecipeRequired]
    [Description("Chat role: system, user, assistant, or another role the chat template knows.")]
    public string Role { get; init; } = "";

    /// <summary>Jinja template of the content; <c>{{ column }}</c> inserts a dataset column.</summary>
    [RecipeRequired]
    [Description("Message content, a Jinja template over the row's columns, e.g. \"{{ instruction }}\".")]
    public string Content { get; init; } = "";
}
