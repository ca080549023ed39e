using System.Text.Json.Nodes;
using Finetune.Testing;
using Finetune.Text.Templates;

namespace Finetune.Text.Tests.Templates;

/// <summary>
/// Data/jinja2_cases.json: outputs of Python Jinja2 3.1.6 in HF's environment (made by Data/make_jinja2_cases.py):
/// 400 random whitespace-control mixes, Python-semantics expressions, and the reference model templates on
/// chats with system prompts, tools, tool calls and thinking. Every output must match byte for byte.
/// </summary>
public sealed class Jinja2CaseTests
{
    private static readonly Lazy<Dictionary<string, JsonObject>> Cases = new(Load);

    public static TheoryData<string> CaseNames() => new(Cases.Value.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Matches_python_jinja2(string name)
    {
        var c = Cases.Value[name];
        var source = c["template"]?.GetValue<string>()
            ?? File.ReadAllText(TestPaths.Reference("chat_templates", c["template_file"]!.GetValue<string>()));
        var context = TemplateContext.FromJson(c["context"]!.AsObject());
        context.Now = Jinja.FixedNow;
        var template = ChatTemplate.Parse(source, "case.jinja");

        if (c["expected_error"]?.GetValue<string>() is { } error)
        {
            var e = Assert.ThrowsAny<TemplateException>(() => template.Render(context));
            if (error.StartsWith("TemplateError: ", StringComparison.Ordinal))
                Assert.Equal(error["TemplateError: ".Length..], Assert.IsType<TemplateRaisedException>(e).Reason);
            return;
        }
        Assert.Equal(c["expected"]!.GetValue<string>(), template.Render(context).Text);
    }

    private static Dictionary<string, JsonObject> Load()
    {
        var path = Path.Combine(TestPaths.RepoRoot, "tests", "Finetune.Text.Tests", "Templates", "Data", "jinja2_cases.json");
        var root = JsonNode.Parse(File.ReadAllText(path))!;
        return root["cases"]!.AsArray().Select(c => c!.AsObject()).ToDictionary(c => c["name"]!.GetValue<string>());
    }
}
