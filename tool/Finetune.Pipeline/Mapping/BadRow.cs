namespace Finetune.Pipeline.Mapping;

/// <summary>
/// Why a row could not be turned into a conversation: a short <see cref="Reason"/> code (the key it is
/// counted under in stats.json) and a one-line <see cref="Problem"/> for the error message.
/// </summary>
public sealed record BadRow(string Reason, string Problem)
{
    /// <summary>A column a message template reads is not in the row.</summary>
    public const string MissingColumn = "missing_column";

    /// <summary>A column printed as text holds null, a boolean, an object or a list.</summary>
    public const string NotText = "not_text";

    /// <summary>Rendering a message template failed (a filter on the wrong type, raise_exception...).</summary>
    public const string MessageTemplateError = "message_template_error";

    /// <summary>The row's own <c>messages</c> column (used when the recipe has no <c>messages</c>) is not a list of {role, content}.</summary>
    public const string BadMessages = "bad_messages";

    /// <summary>The chat template refused the conversation (e.g. raise_exception on roles that do not alternate).</summary>
    public const string ChatTemplateError = "chat_template_error";
}
