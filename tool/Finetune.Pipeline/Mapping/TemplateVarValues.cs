namespace Finetune.Pipeline.Mapping;

/// <summary>
/// <c>data.template_vars</c> as chat-template values: <c>true</c> and <c>false</c> become booleans (switches such
/// as Qwen3's <c>enable_thinking</c>, which its template tests with <c>is false</c>), everything else stays a string.
/// </summary>
public static class TemplateVarValues
{
    public static IReadOnlyDictionary<string, object?> From(IReadOnlyDictionary<string, string> vars) =>
        vars.ToDictionary(p => p.Key, p => p.Value switch
        {
            "true" => true,
            "false" => (object?)false,
            var text => text,
        }, StringComparer.Ordinal);
}
