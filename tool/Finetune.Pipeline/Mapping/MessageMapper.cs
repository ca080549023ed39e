using System.Text.Json.Nodes;
using Finetune.Pipeline.Data;
using Finetune.Recipes;
using Finetune.Text.Templates;

namespace Finetune.Pipeline.Mapping;

/// <summary>
/// Turns a dataset row into chat messages by rendering each <c>data.messages[i].content</c> as a Jinja
/// template over the row's columns (the chat-template engine). Strict where the engine is lenient: a
/// column a template reads must exist in the row, and a column printed as text must hold a string or a
/// number. Without message templates the row's own <c>messages</c> column is used.
/// </summary>
public sealed class MessageMapper
{
    private readonly IReadOnlyList<(string Role, ChatTemplate Content)>? _templates;

    /// <summary>Parses the message templates; a syntax error is a <see cref="PipelineException"/> naming the message.</summary>
    public MessageMapper(IReadOnlyList<MessageTemplate>? messages)
    {
        if (messages is null) return;
        var templates = new List<(string, ChatTemplate)>();
        for (var i = 0; i < messages.Count; i++)
        {
            var name = $"data.messages[{i}].content";
            try
            {
                templates.Add((messages[i].Role, ChatTemplate.Parse(messages[i].Content, name)));
            }
            catch (TemplateException e)
            {
                throw new PipelineException($"recipe {e.Message}", e);
            }
        }
        _templates = templates;
    }

    /// <summary>The row's messages, or the reason it has none (never throws for bad data).</summary>
    public (IReadOnlyList<ChatMessage>? Messages, BadRow? Bad) Map(DataRow row) =>
        _templates is null ? FromMessagesColumn(row) : Render(row, _templates);

    /// <summary>As <see cref="Map"/>, but a bad row is a <see cref="DataException"/> naming the file and row.</summary>
    public IReadOnlyList<ChatMessage> MapOrThrow(DataRow row)
    {
        var (messages, bad) = Map(row);
        return messages ?? throw new DataException(row.SourceFile, row.Location, bad!.Problem);
    }

    private static (IReadOnlyList<ChatMessage>?, BadRow?) Render(DataRow row, IReadOnlyList<(string Role, ChatTemplate Content)> templates)
    {
        var messages = new List<ChatMessage>(templates.Count);
        foreach (var (role, template) in templates)
        {
            if (Check(row, template) is { } bad) return (null, bad);
            try
            {
                messages.Add(new ChatMessage(role, template.Render(TemplateContext.FromJson(row.Values)).Text));
            }
            catch (TemplateException e)
            {
                return (null, new BadRow(BadRow.MessageTemplateError, e.Message));
            }
        }
        return (messages, null);
    }

    private static BadRow? Check(DataRow row, ChatTemplate template)
    {
        foreach (var column in template.UndeclaredVariables)
        {
            if (!row.TryGetValue(column, out var value))
                return new BadRow(BadRow.MissingColumn,
                    $"{template.Name} reads column '{column}', which the row does not have (columns: {string.Join(", ", row.ColumnNames)})");
            if (template.PrintedVariables.Contains(column) && !IsText(value))
                return new BadRow(BadRow.NotText, $"{template.Name} prints column '{column}' as text, but it is {Describe(value)}");
        }
        return null;
    }

    private static bool IsText(JsonNode? value) =>
        value is JsonValue v && v.GetValueKind() is System.Text.Json.JsonValueKind.String or System.Text.Json.JsonValueKind.Number;

    private static string Describe(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "a list",
        _ when value.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => "a boolean",
        _ => $"a {value.GetValueKind().ToString().ToLowerInvariant()}",
    };

    private static (IReadOnlyList<ChatMessage>?, BadRow?) FromMessagesColumn(DataRow row)
    {
        if (!row.TryGetValue("messages", out var column))
            return (null, new BadRow(BadRow.MissingColumn,
                $"the recipe has no data.messages, so each row needs a 'messages' column (columns: {string.Join(", ", row.ColumnNames)})"));
        if (column is not JsonArray list)
            return (null, new BadRow(BadRow.BadMessages, $"column 'messages' must be a list of {{role, content}} objects, but it is {Describe(column)}"));
        var messages = new List<ChatMessage>(list.Count);
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is not JsonObject m
                || !(m["role"] is JsonValue r && r.GetValueKind() == System.Text.Json.JsonValueKind.String)
                || !(m["content"] is JsonValue c && c.GetValueKind() == System.Text.Json.JsonValueKind.String))
                return (null, new BadRow(BadRow.BadMessages, $"messages[{i}] must be an object with string 'role' and 'content'"));
            messages.Add(new ChatMessage(r.GetValue<string>(), c.GetValue<string>()));
        }
        return (messages, null);
    }
}
