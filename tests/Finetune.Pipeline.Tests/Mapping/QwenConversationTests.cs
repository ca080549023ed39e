using Finetune.Pipeline.Mapping;
using Finetune.Recipes;
using Finetune.Testing;
using Finetune.Text.Templates;
using Finetune.Text.Tokenizers;

namespace Finetune.Pipeline.Tests.Mapping;

/// <summary>Loss masks with the real Qwen3 and Qwen2.5 templates and the Qwen3 tokenizer (../shared/reference).</summary>
public sealed class QwenConversationTests
{
    private static readonly Lazy<HfTokenizer> Qwen3 = new(() => HfTokenizer.FromFolder(TestPaths.Reference("qwen3")));
    private static readonly Dictionary<string, string> NoVars = [];

    private static ConversationTokenizer Conversations(ChatTemplate template, IReadOnlyDictionary<string, string>? vars = null) =>
        new(Qwen3.Value, template, vars ?? NoVars, LossOn.Assistant);

    private static ChatTemplate Qwen3Template => ChatTemplate.LoadFromModel(TestPaths.Reference("qwen3"));

    private static (int[] Ids, byte[] Mask) Pieces(params (string Text, bool Loss)[] pieces)
    {
        var ids = new List<int>();
        var mask = new List<byte>();
        foreach (var (text, loss) in pieces)
        {
            var piece = Qwen3.Value.Encode(text);
            ids.AddRange(piece);
            mask.AddRange(Enumerable.Repeat((byte)(loss ? 1 : 0), piece.Count));
        }
        return ([.. ids], [.. mask]);
    }

    [Fact]
    public void Qwen3_single_turn_equals_the_reference_sample_and_masks_think_answer_and_im_end()
    {
        // ../shared/reference/qwen3/encode_samples.jsonl line 37: this conversation as the Qwen3 template renders it.
        int[] sample = [151644, 8948, 198, 2610, 525, 264, 10950, 17847, 13, 151645, 198, 151644, 872, 198, 3838, 374, 220, 17, 10, 17, 30, 151645, 198,
            151644, 77091, 198, 151667, 271, 151668, 271, 17, 10, 17, 284, 220, 19, 13, 151645, 198];
        List<ChatMessage> messages = [new("system", "You are a helpful assistant."), new("user", "What is 2+2?"), new("assistant", "2+2 = 4.")];

        var result = Conversations(Qwen3Template).Tokenize(messages);

        Assert.Equal("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nWhat is 2+2?<|im_end|>\n" +
            "<|im_start|>assistant\n<think>\n\n</think>\n\n2+2 = 4.<|im_end|>\n", result.Text);
        Assert.Equal(sample, result.Ids);
        // From <think> (index 26) through the last <|im_end|> (index 37); the final newline carries no loss.
        byte[] expected = [.. Enumerable.Repeat((byte)0, 26), .. Enumerable.Repeat((byte)1, 12), 0];
        Assert.Equal(expected, result.Mask);
    }

    [Fact]
    public void Qwen3_history_loses_its_thinking_as_jinja2_renders_it_and_each_answer_is_masked()
    {
        List<ChatMessage> messages =
        [
            new("user", "Hi"), new("assistant", "<think>r1</think><answer>a1</answer>"),
            new("user", "More"), new("assistant", "<think>r2</think><answer>a2</answer>"),
        ];
        // The template keeps <think> only after the last user message; earlier turns keep the text after </think>.
        var (ids, mask) = Pieces(
            ("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", false), ("<answer>a1</answer><|im_end|>", true),
            ("\n<|im_start|>user\nMore<|im_end|>\n<|im_start|>assistant\n", false), ("<think>\nr2\n</think>\n\n<answer>a2</answer><|im_end|>", true),
            ("\n", false));

        var result = Conversations(Qwen3Template).Tokenize(messages);

        Assert.Equal("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<answer>a1</answer><|im_end|>\n<|im_start|>user\nMore<|im_end|>\n" +
            "<|im_start|>assistant\n<think>\nr2\n</think>\n\n<answer>a2</answer><|im_end|>\n", result.Text);
        Assert.Equal(ids, result.Ids);
        Assert.Equal(mask, result.Mask);
    }

    [Theory]
    [InlineData(null, "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")]
    [InlineData("false", "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n")]
    [InlineData("true", "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")]
    public void Qwen3_enable_thinking_from_template_vars_is_a_boolean(string? enableThinking, string prompt)
    {
        var vars = enableThinking is null ? NoVars : new Dictionary<string, string> { ["enable_thinking"] = enableThinking };
        var (text, ids) = Conversations(Qwen3Template, vars).RenderPrompt([new("user", "Hi")]);
        Assert.Equal(prompt, text);
        Assert.Equal(Qwen3.Value.Encode(prompt), ids);
    }

    [Fact]
    public void Qwen3_enable_thinking_false_leaves_the_empty_think_block_out_of_the_loss()
    {
        var vars = new Dictionary<string, string> { ["enable_thinking"] = "false" };
        var (ids, mask) = Pieces(("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n", false), ("Hello.<|im_end|>", true), ("\n", false));
        var result = Conversations(Qwen3Template, vars).Tokenize([new("user", "Hi"), new("assistant", "Hello.")]);
        Assert.Equal(ids, result.Ids);
        Assert.Equal(mask, result.Mask);
    }

    [Fact]
    public void Qwen25_adds_its_default_system_prompt_and_masks_each_assistant_turn()
    {
        var template = ChatTemplate.Load(TestPaths.Reference("chat_templates", "Qwen-Qwen2.5-7B-Instruct.jinja"));
        List<ChatMessage> messages = [new("user", "Hi"), new("assistant", "<think>x</think><answer>y</answer>"), new("user", "Again"), new("assistant", "z")];
        var (ids, mask) = Pieces(
            ("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", false),
            ("<think>x</think><answer>y</answer><|im_end|>", true),
            ("\n<|im_start|>user\nAgain<|im_end|>\n<|im_start|>assistant\n", false), ("z<|im_end|>", true), ("\n", false));

        var result = Conversations(template).Tokenize(messages);

        Assert.Equal(ids, result.Ids);
        Assert.Equal(mask, result.Mask);
    }
}
