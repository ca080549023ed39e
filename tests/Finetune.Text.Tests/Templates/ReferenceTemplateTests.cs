using System.Text.Json.Nodes;
using Finetune.Testing;
using Finetune.Text.Templates;

namespace Finetune.Text.Tests.Templates;

/// <summary>
/// The real chat templates in ../shared/reference/chat_templates: rendered_examples.json (Jinja2 3.1.6 in HF's
/// environment) byte for byte, and hand-checked expected strings for the other model families.
/// </summary>
public sealed class ReferenceTemplateTests
{
    private static readonly DateTimeOffset RenderersClock = new(2024, 7, 26, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> ExampleNames()
    {
        var data = new TheoryData<string>();
        foreach (var example in Examples()["examples"]!.AsArray())
            data.Add(example!["name"]!.GetValue<string>());
        return data;
    }

    [Theory]
    [MemberData(nameof(ExampleNames))]
    public void Renders_rendered_examples_byte_identically(string name)
    {
        var examples = Examples();
        var example = examples["examples"]!.AsArray().Single(e => e!["name"]!.GetValue<string>() == name)!;
        var template = Load(examples["template_file"]!.GetValue<string>());
        var context = TemplateContext.FromJson(example["context"]!.AsObject());
        context.Now = RenderersClock; // the reference renderers had their clock fixed to 2024-07-26

        var text = template.Render(context).Text;

        Assert.Equal(example["rendered"]!.GetValue<string>(), text);
    }

    [Fact]
    public void Llama32_takes_today_from_strftime_now_when_date_string_is_missing()
    {
        var context = Context("""{"messages": [{"role": "user", "content": "Hi"}], "bos_token": "<|begin_of_text|>"}""");
        context.Now = new DateTimeOffset(2025, 3, 5, 9, 0, 0, TimeSpan.Zero);

        var text = Load("meta-llama-Llama-3.2-3B-Instruct.jinja").Render(context).Text;

        Assert.Equal("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: 05 Mar 2025\n\n"
            + "<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>", text);
    }

    [Fact]
    public void Llama31_always_defaults_to_26_Jul_2024()
    {
        var context = Context("""{"messages": [{"role": "user", "content": " Hi "}], "bos_token": "<|begin_of_text|>"}""");
        context.Now = new DateTimeOffset(2025, 3, 5, 9, 0, 0, TimeSpan.Zero);

        var text = Load("meta-llama-Llama-3.1-8B-Instruct.jinja").Render(context).Text;

        Assert.Equal("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n"
            + "<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>", text);
    }

    [Fact]
    public void Llama3_trims_content_and_prefixes_bos_once()
    {
        var text = Render("meta-llama-Meta-Llama-3-8B-Instruct.jinja",
            """{"messages": [{"role": "user", "content": " Hi "}, {"role": "assistant", "content": "Yo\n"}], "add_generation_prompt": true, "bos_token": "<|begin_of_text|>"}""");

        Assert.Equal("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
            + "<|start_header_id|>assistant<|end_header_id|>\n\nYo<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n", text);
    }

    [Fact]
    public void Llama32_puts_tools_in_the_first_user_message_as_indented_json()
    {
        var text = Render("meta-llama-Llama-3.2-3B-Instruct.jinja",
            """{"messages": [{"role": "user", "content": "Weather?"}], "tools": [{"name": "w", "parameters": {"a": 1}}], "date_string": "01 Jan 2025", "bos_token": "<B>"}""");

        Assert.Equal("<B><|start_header_id|>system<|end_header_id|>\n\nEnvironment: ipython\nCutting Knowledge Date: December 2023\nToday Date: 01 Jan 2025\n\n<|eot_id|>"
            + "<|start_header_id|>user<|end_header_id|>\n\nGiven the following functions, please respond with a JSON for a function call with its proper arguments that best answers the given prompt.\n\n"
            + "Respond in the format {\"name\": function name, \"parameters\": dictionary of argument name and its value}.Do not use variables.\n\n"
            + "{\n    \"name\": \"w\",\n    \"parameters\": {\n        \"a\": 1\n    }\n}\n\nWeather?<|eot_id|>", text);
    }

    private const string QwenSystemWithTools =
        "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\n"
        + "You are provided with function signatures within <tools></tools> XML tags:\n<tools>\n"
        + "{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"description\": \"Get weather\", \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}, \"required\": [\"city\"]}}}\n"
        + "</tools>\n\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n"
        + "{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n";

    private const string WeatherTool =
        """[{"type": "function", "function": {"name": "get_weather", "description": "Get weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]""";

    [Fact]
    public void Qwen25_with_tools_lists_them_as_json_in_the_system_block()
    {
        var text = Render("Qwen-Qwen2.5-7B-Instruct.jinja",
            """{"messages": [{"role": "user", "content": "What's the weather in Paris?"}], "add_generation_prompt": true, "tools": """ + WeatherTool + "}");

        Assert.Equal(QwenSystemWithTools + "<|im_start|>user\nWhat's the weather in Paris?<|im_end|>\n<|im_start|>assistant\n", text);
    }

    [Fact]
    public void Qwen25_renders_tool_calls_and_tool_responses()
    {
        var text = Render("Qwen-Qwen2.5-7B-Instruct.jinja", """
            {"messages": [
              {"role": "user", "content": "What's the weather in Paris?"},
              {"role": "assistant", "content": "", "tool_calls": [{"type": "function", "function": {"name": "get_weather", "arguments": {"city": "Paris"}}}]},
              {"role": "tool", "content": "18C"}],
             "add_generation_prompt": true, "tools":
            """ + WeatherTool + "}");

        Assert.Equal(QwenSystemWithTools + "<|im_start|>user\nWhat's the weather in Paris?<|im_end|>\n"
            + "<|im_start|>assistant\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call><|im_end|>\n"
            + "<|im_start|>user\n<tool_response>\n18C\n</tool_response><|im_end|>\n<|im_start|>assistant\n", text);
    }

    [Fact]
    public void Qwen25_without_tools_adds_the_default_system_prompt()
    {
        var text = Render("Qwen-Qwen2.5-7B-Instruct.jinja", """{"messages": [{"role": "user", "content": "Hi"}], "add_generation_prompt": false}""");
        Assert.Equal("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n", text);
    }

    [Fact]
    public void Qwen3_enable_thinking_false_adds_an_empty_think_block()
    {
        const string messages = "\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"add_generation_prompt\": true";

        var off = Render("Qwen-Qwen3-0.6B.jinja", "{" + messages + ", \"enable_thinking\": false}");
        var on = Render("Qwen-Qwen3-0.6B.jinja", "{" + messages + ", \"enable_thinking\": true}");
        var unset = Render("Qwen-Qwen3-0.6B.jinja", "{" + messages + "}");

        Assert.Equal("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n", off);
        Assert.Equal("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", on);
        Assert.Equal(on, unset);
    }

    [Fact]
    public void Qwen3_splits_reasoning_out_of_the_last_assistant_turn()
    {
        var text = Render("Qwen-Qwen3-0.6B.jinja",
            """{"messages": [{"role": "system", "content": "S"}, {"role": "user", "content": "2+2?"}, {"role": "assistant", "content": "<think>\nadd\n</think>\n\n4"}]}""");

        Assert.Equal("<|im_start|>system\nS<|im_end|>\n<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n<think>\nadd\n</think>\n\n4<|im_end|>\n", text);
    }

    [Fact]
    public void Qwen3_drops_reasoning_from_turns_before_the_last_query()
    {
        var text = Render("Qwen-Qwen3-0.6B.jinja",
            """{"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "<think>r</think>b"}, {"role": "user", "content": "c"}]}""");

        Assert.Equal("<|im_start|>user\na<|im_end|>\n<|im_start|>assistant\nb<|im_end|>\n<|im_start|>user\nc<|im_end|>\n", text);
    }

    [Fact]
    public void Gemma_raises_on_a_system_role()
    {
        var e = Assert.Throws<TemplateRaisedException>(() => Render("google-gemma-2-2b-it.jinja",
            """{"messages": [{"role": "system", "content": "S"}, {"role": "user", "content": "Hi"}], "bos_token": "<bos>"}"""));

        Assert.Equal("System role not supported", e.Reason);
        Assert.StartsWith("google-gemma-2-2b-it.jinja:1:", e.Message);
    }

    [Fact]
    public void Gemma_raises_when_roles_do_not_alternate()
    {
        var e = Assert.Throws<TemplateRaisedException>(() => Render("google-gemma-2-2b-it.jinja",
            """{"messages": [{"role": "user", "content": "a"}, {"role": "user", "content": "b"}], "bos_token": "<bos>"}"""));
        Assert.Equal("Conversation roles must alternate user/assistant/user/assistant/...", e.Reason);
    }

    [Fact]
    public void Gemma_maps_assistant_to_model_and_trims()
    {
        var text = Render("google-gemma-2-2b-it.jinja",
            """{"messages": [{"role": "user", "content": " Hi "}, {"role": "assistant", "content": "Hello\n"}], "add_generation_prompt": true, "bos_token": "<bos>"}""");

        Assert.Equal("<bos><start_of_turn>user\nHi<end_of_turn>\n<start_of_turn>model\nHello<end_of_turn>\n<start_of_turn>model\n", text);
    }

    [Fact]
    public void Mistral_nemo_puts_the_system_message_into_the_last_user_turn()
    {
        var text = Render("mistralai-Mistral-Nemo-Instruct-2407.jinja",
            """{"messages": [{"role": "system", "content": "S"}, {"role": "user", "content": "U1"}, {"role": "assistant", "content": "A1"}, {"role": "user", "content": "U2"}], "bos_token": "<s>", "eos_token": "</s>"}""");

        Assert.Equal("<s>[INST]U1[/INST]A1</s>[INST]S\n\nU2[/INST]", text);
    }

    [Fact]
    public void Mistral_nemo_renders_tools_tool_calls_and_results()
    {
        var text = Render("mistralai-Mistral-Nemo-Instruct-2407.jinja", """
            {"messages": [
              {"role": "user", "content": "W?"},
              {"role": "assistant", "tool_calls": [{"id": "abcdefghi", "function": {"name": "w", "arguments": {"c": "P"}}}]},
              {"role": "tool", "tool_call_id": "abcdefghi", "content": {"t": 20}},
              {"role": "assistant", "content": "20"}],
             "tools": [{"type": "function", "function": {"name": "w", "description": "d", "parameters": {"p": 1}, "return": "x"}}],
             "bos_token": "<s>", "eos_token": "</s>"}
            """);

        // The tool result's dict content goes through |string, i.e. Python's str(dict).
        Assert.Equal("<s>[AVAILABLE_TOOLS][{\"type\": \"function\", \"function\": {\"name\": \"w\", \"description\": \"d\", \"parameters\": {\"p\": 1}}}][/AVAILABLE_TOOLS]"
            + "[INST]W?[/INST][TOOL_CALLS][{\"name\": \"w\", \"arguments\": {\"c\": \"P\"}, \"id\": \"abcdefghi\"}]</s>"
            + "[TOOL_RESULTS]{\"content\": {'t': 20}, \"call_id\": \"abcdefghi\"}[/TOOL_RESULTS]20</s>", text);
    }

    [Fact]
    public void Mistral_nemo_rejects_bad_tool_call_ids()
    {
        var e = Assert.Throws<TemplateRaisedException>(() => Render("mistralai-Mistral-Nemo-Instruct-2407.jinja",
            """{"messages": [{"role": "user", "content": "W?"}, {"role": "assistant", "tool_calls": [{"id": "short", "function": {"name": "w", "arguments": {}}}]}]}"""));
        Assert.Equal("Tool call IDs should be alphanumeric strings with length 9!", e.Reason);
    }

    [Fact]
    public void Phi35_ends_with_eos_unless_a_generation_prompt_is_asked_for()
    {
        const string messages = """[{"role": "system", "content": "S"}, {"role": "user", "content": "U"}, {"role": "assistant", "content": "A"}]""";

        var closed = Render("microsoft-Phi-3.5-mini-instruct.jinja", "{\"messages\": " + messages + ", \"eos_token\": \"<|endoftext|>\"}");
        var open = Render("microsoft-Phi-3.5-mini-instruct.jinja", """{"messages": [{"role": "user", "content": "U"}], "add_generation_prompt": true, "eos_token": "<|endoftext|>"}""");

        Assert.Equal("<|system|>\nS<|end|>\n<|user|>\nU<|end|>\n<|assistant|>\nA<|end|>\n<|endoftext|>", closed);
        Assert.Equal("<|user|>\nU<|end|>\n<|assistant|>\n", open);
    }

    [Fact]
    public void Chatml_wraps_each_message()
    {
        var text = Render("chatml.jinja", """{"messages": [{"role": "system", "content": "S"}, {"role": "user", "content": "Hi"}], "add_generation_prompt": true}""");
        Assert.Equal("<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", text);
    }

    [Fact]
    public void Deepseek_r1_drops_the_think_part_of_past_answers_and_opens_a_new_one()
    {
        var text = Render("deepseek-ai-DeepSeek-R1-Distill-Llama-8B.jinja",
            """{"messages": [{"role": "system", "content": "S"}, {"role": "user", "content": "U"}, {"role": "assistant", "content": "<think>r</think>A"}], "add_generation_prompt": true, "bos_token": "<｜begin▁of▁sentence｜>"}""");

        Assert.Equal("<｜begin▁of▁sentence｜>S<｜User｜>U<｜Assistant｜>A<｜end▁of▁sentence｜><｜Assistant｜><think>\n", text);
    }

    [Theory]
    [InlineData("meta-llama-Llama-3.2-3B-Instruct.jinja")]
    [InlineData("meta-llama-Llama-3.1-8B-Instruct.jinja")]
    [InlineData("meta-llama-Meta-Llama-3-8B-Instruct.jinja")]
    [InlineData("Qwen-Qwen2.5-7B-Instruct.jinja")]
    [InlineData("Qwen-Qwen3-0.6B.jinja")]
    [InlineData("deepseek-ai-DeepSeek-R1-Distill-Llama-8B.jinja")]
    [InlineData("mistralai-Mistral-Nemo-Instruct-2407.jinja")]
    [InlineData("google-gemma-2-2b-it.jinja")]
    [InlineData("microsoft-Phi-3.5-mini-instruct.jinja")]
    [InlineData("chatml.jinja")]
    public void Every_reference_template_renders_a_multi_turn_chat_ending_with_the_last_message(string file)
    {
        var text = Render(file, """
            {"messages": [{"role": "user", "content": "Hello!"}, {"role": "assistant", "content": "Hi, how can I help?"}, {"role": "user", "content": "And 你好? 🦙"}],
             "add_generation_prompt": true, "bos_token": "<s>", "eos_token": "</s>", "date_string": "26 Jul 2024"}
            """);

        Assert.Contains("Hello!", text);
        Assert.Contains("Hi, how can I help?", text);
        Assert.True(text.IndexOf("And 你好? 🦙", StringComparison.Ordinal) > text.IndexOf("Hi, how can I help?", StringComparison.Ordinal));
    }

    private static JsonObject Examples() =>
        JsonNode.Parse(File.ReadAllText(TestPaths.Reference("chat_templates", "rendered_examples.json")))!.AsObject();

    private static ChatTemplate Load(string file) => ChatTemplate.Load(TestPaths.Reference("chat_templates", file));

    private static TemplateContext Context(string json)
    {
        var context = TemplateContext.FromJson(json);
        context.Now ??= RenderersClock;
        return context;
    }

    private static string Render(string file, string contextJson) => Load(file).Render(Context(contextJson)).Text;
}
