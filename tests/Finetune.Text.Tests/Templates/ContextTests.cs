using System.Text.Json.Nodes;
using Finetune.Text.Templates;

namespace Finetune.Text.Tests.Templates;

/// <summary>Building contexts from JSON or .NET data, and the RenderMessages convenience.</summary>
public sealed class ContextTests
{
    [Fact]
    public void Dictionary_context_converts_plain_dotnet_values()
    {
        var context = TemplateContext.FromDictionary(new Dictionary<string, object?>
        {
            ["n"] = 3,
            ["f"] = 0.5f,
            ["flag"] = true,
            ["items"] = new List<object?> { "a", 2, null },
            ["map"] = new Dictionary<string, object?> { ["k"] = "v" },
            ["json"] = JsonNode.Parse("""{"x": [1, 2.0]}"""),
        });
        var text = ChatTemplate.Parse("{{ n + 1 }}|{{ f }}|{{ flag }}|{{ items }}|{{ map.k }}|{{ json.x }}").Render(context).Text;
        Assert.Equal("4|0.5|True|['a', 2, None]|v|[1, 2.0]", text);
    }

    [Fact]
    public void Arbitrary_dotnet_objects_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new TemplateContext().Set("x", new Uri("http://example.com")));
        Assert.Contains("cannot take a value of type Uri", e.Message);
    }

    [Fact]
    public void Json_text_context_must_be_an_object()
    {
        Assert.Throws<ArgumentException>(() => TemplateContext.FromJson("[1, 2]"));
        Assert.Equal("x", ChatTemplate.Parse("{{ a }}").Render(TemplateContext.FromJson("""{"a": "x"}""")).Text);
    }

    [Fact]
    public void Render_messages_sets_the_standard_variables()
    {
        var template = ChatTemplate.Parse("{{ bos_token }}{% for m in messages %}[{{ m.role }}:{{ m.content }}]{% endfor %}{% if add_generation_prompt %}>{% endif %}{{ eos_token }}{{ lang }}");
        var messages = new object[]
        {
            new Dictionary<string, object?> { ["role"] = "user", ["content"] = "hi" },
            JsonNode.Parse("""{"role": "assistant", "content": "yo"}""")!,
        };

        var withPrompt = template.RenderMessages(messages, addGenerationPrompt: true, bosToken: "<s>", extraVars: new Dictionary<string, object?> { ["lang"] = "en" });
        var noTokens = template.RenderMessages(messages);

        Assert.Equal("<s>[user:hi][assistant:yo]>en", withPrompt.Text);
        Assert.Equal("[user:hi][assistant:yo]", noTokens.Text);
    }

    [Fact]
    public void Context_variables_override_globals_and_templates_see_no_dotnet_members()
    {
        Assert.Equal("mine", Jinja.Render("{{ range }}", """{"range": "mine"}"""));
        Assert.Equal("||", Jinja.Render("{{ 'abc'.Length }}|{{ messages.Count }}|{{ 'x'.__class__ }}", """{"messages": []}"""));
    }

    [Fact]
    public void Json_objects_built_in_code_convert_like_parsed_ones()
    {
        var json = new JsonObject { ["n"] = 5, ["f"] = 2.0, ["s"] = "x", ["b"] = false, ["list"] = new JsonArray(1, "a") };
        Assert.Equal("6|2.0|x|False|[1, 'a']", ChatTemplate.Parse("{{ n + 1 }}|{{ f }}|{{ s }}|{{ b }}|{{ list }}").Render(TemplateContext.FromJson(json)).Text);
    }
}
