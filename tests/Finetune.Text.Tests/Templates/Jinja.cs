using System.Text.Json.Nodes;
using Finetune.Text.Templates;

namespace Finetune.Text.Tests.Templates;

/// <summary>Test helpers: render a template string with variables given as a JSON object text.</summary>
internal static class Jinja
{
    public static readonly DateTimeOffset FixedNow = new(2024, 7, 26, 13, 5, 9, TimeSpan.Zero);

    public static string Render(string template, string contextJson = "{}", TemplateLimits? limits = null) =>
        RenderResult(template, contextJson, limits).Text;

    public static TemplateRenderResult RenderResult(string template, string contextJson = "{}", TemplateLimits? limits = null)
    {
        var context = TemplateContext.FromJson((JsonObject)JsonNode.Parse(contextJson)!);
        context.Now = FixedNow;
        if (limits != null)
            context.Limits = limits;
        return ChatTemplate.Parse(template, "test.jinja").Render(context);
    }
}
