using System.Text.Json.Nodes;
using Finetune.Testing;
using Finetune.Text.Templates;

namespace Finetune.Text.Tests.Templates;

/// <summary>Loading a model's chat template and special tokens, as apply_chat_template finds them.</summary>
public sealed class ModelTemplateTests
{
    [Fact]
    public void Llama3_model_folder_renders_the_reference_example_with_its_own_bos_token()
    {
        var examples = JsonNode.Parse(File.ReadAllText(TestPaths.Reference("chat_templates", "rendered_examples.json")))!;
        var example = examples["examples"]![0]!;
        var context = example["context"]!.AsObject().DeepClone().AsObject();
        context.Remove("bos_token");
        context.Remove("eos_token");

        var template = ChatTemplate.LoadFromModel(Path.GetDirectoryName(TestPaths.Reference("llama3", "tokenizer_config.json"))!);

        Assert.Equal("<|begin_of_text|>", template.SpecialTokens["bos_token"]);
        Assert.Equal("<|eot_id|>", template.SpecialTokens["eos_token"]);
        Assert.Equal(example["rendered"]!.GetValue<string>(), template.Render(TemplateContext.FromJson(context)).Text);
    }

    [Fact]
    public void Context_values_override_the_models_special_tokens()
    {
        var template = ChatTemplate.Parse("{{ bos_token }}|{{ eos_token }}").WithSpecialTokens(new Dictionary<string, string> { ["bos_token"] = "<s>", ["eos_token"] = "</s>" });
        Assert.Equal("<B>|</s>", template.Render(TemplateContext.FromJson("""{"bos_token": "<B>"}""")).Text);
    }

    [Fact]
    public void Added_token_objects_and_named_template_lists_are_understood()
    {
        var dir = TestPaths.NewTempDir();
        File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"), """
            {"bos_token": {"__type": "AddedToken", "content": "<s>", "normalized": true}, "pad_token": null,
             "chat_template": [{"name": "tool_use", "template": "tools"}, {"name": "default", "template": "{{ bos_token }}default"}]}
            """);

        var template = ChatTemplate.LoadFromModel(dir);

        Assert.Equal("<s>default", template.Render(new TemplateContext()).Text);
        Assert.False(template.SpecialTokens.ContainsKey("pad_token"));
    }

    [Fact]
    public void Chat_template_jinja_file_wins_over_the_config()
    {
        var dir = TestPaths.NewTempDir();
        File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"), """{"eos_token": "</s>", "chat_template": "config"}""");
        File.WriteAllText(Path.Combine(dir, "chat_template.jinja"), "file{{ eos_token }}\n");

        Assert.Equal("file</s>", ChatTemplate.LoadFromModel(dir).Render(new TemplateContext()).Text);
    }

    [Fact]
    public void A_model_without_a_chat_template_is_a_clear_error()
    {
        var config = TestPaths.Reference("llama2", "tokenizer_config.json");
        var e = Assert.Throws<TemplateLoadException>(() => ChatTemplate.LoadFromModel(Path.GetDirectoryName(config)!));
        Assert.Equal($"{config}: has no chat_template", e.Message);

        var empty = TestPaths.NewTempDir();
        Assert.Throws<TemplateLoadException>(() => ChatTemplate.LoadFromModel(empty));
        Assert.Throws<TemplateLoadException>(() => ChatTemplate.LoadFromModel(Path.Combine(empty, "model.gguf")));
    }

    [Fact]
    public void Syntax_errors_in_a_model_template_name_the_file()
    {
        var dir = TestPaths.NewTempDir();
        File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"), """{"chat_template": "line one\n{% if %}"}""");
        var e = Assert.Throws<TemplateSyntaxException>(() => ChatTemplate.LoadFromModel(dir));
        Assert.StartsWith("tokenizer_config.json:2:7: ", e.Message);
    }
}
