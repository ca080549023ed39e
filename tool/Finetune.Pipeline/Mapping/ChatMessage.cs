namespace Finetune.Pipeline.Mapping;

/// <summary>One message of a conversation after the row was mapped: a chat role and its text.</summary>
public sealed record ChatMessage(string Role, string Content)
{
    /// <summary>The message as chat templates take it: a dictionary with <c>role</c> and <c>content</c>.</summary>
    public IReadOnlyDictionary<string, object?> ToTemplateValue() =>
        new Dictionary<string, object?> { ["role"] = Role, ["content"] = Content };
}
