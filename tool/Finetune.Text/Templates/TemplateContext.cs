using System.Text.Json;
using System.Text.Json.Nodes;

namespace Finetune.Text.Templates;

/// <summary>
/// The variables a chat template renders with (<c>messages</c>, <c>add_generation_prompt</c>, <c>bos_token</c>,
/// <c>eos_token</c>, <c>tools</c>, <c>date_string</c>, anything else), the clock for <c>strftime_now</c>, and
/// the sandbox limits. Values are JSON or plain .NET data, converted to the template's own value model.
/// </summary>
public sealed class TemplateContext
{
    private readonly Dictionary<string, object?> _variables = new(StringComparer.Ordinal);

    /// <summary>The time <c>strftime_now</c> formats (as a naive local time, like Python's datetime.now()); null means now.</summary>
    public DateTimeOffset? Now { get; set; }

    public TemplateLimits Limits { get; set; } = TemplateLimits.Default;

    /// <summary>Checked at every statement and loop iteration: a cancelled render throws <see cref="OperationCanceledException"/>.</summary>
    public CancellationToken Cancellation { get; set; }

    internal IReadOnlyDictionary<string, object?> Variables => _variables;

    /// <summary>Every property of <paramref name="json"/> becomes a variable.</summary>
    public static TemplateContext FromJson(JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var context = new TemplateContext();
        foreach (var (name, value) in json)
            context._variables[name] = TemplateValues.FromJson(value);
        return context;
    }

    /// <summary>Parses a JSON object text; throws <see cref="JsonException"/> or <see cref="ArgumentException"/> when it is not one.</summary>
    public static TemplateContext FromJson(string json) =>
        FromJson(JsonNode.Parse(json) as JsonObject ?? throw new ArgumentException("the template context must be a JSON object", nameof(json)));

    /// <summary>Variables from plain data: strings, bools, numbers, dictionaries, lists, JSON nodes.</summary>
    public static TemplateContext FromDictionary(IReadOnlyDictionary<string, object?> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var context = new TemplateContext();
        foreach (var (name, value) in variables)
            context.Set(name, value);
        return context;
    }

    /// <summary>Sets (or replaces) one variable; returns this context for chaining.</summary>
    public TemplateContext Set(string name, object? value)
    {
        _variables[name] = TemplateValues.FromObject(value);
        return this;
    }
}
