using Finetune.Pipeline.Mapping;
using Finetune.Recipes;
using Finetune.Testing;
using Finetune.Text.Templates;

namespace Finetune.Pipeline.Tests.Mapping;

public sealed class ConversationTokenizerTests
{
    private const int BeginOfText = 128000;
    private const int EotId = 128009;

    [Fact]
    public void Llama32_user_assistant_ids_equal_HF_and_mask_is_the_assistant_content_and_eot()
    {
        var (messages, hfIds, hfText) = Llama3.Example("b_user_assistant_think_answer");
        var (_, promptIds, _) = Llama3.Example("a_user_hello_generation_prompt");

        var result = Llama3.Conversations(Llama3.Template).Tokenize(messages);

        Assert.Equal(hfText, result.Text);
        Assert.Equal(hfIds, result.Ids);
        // Hand-built expectation from the reference: (b) = (a)'s 37 prompt ids (ending in the assistant header
        // and "\n\n"), then the assistant content encoded on its own, then <|eot_id|>.
        var content = Llama3.Tokenizer.Encode("<think>reasoning</think><answer>final</answer>");
        Assert.Equal(37, promptIds.Length);
        Assert.Equal([.. promptIds, .. content, EotId], hfIds);
        byte[] expected = [.. Enumerable.Repeat((byte)0, 37), .. Enumerable.Repeat((byte)1, content.Count + 1)];
        Assert.Equal(expected, result.Mask);
        Assert.Equal(content.Count + 1, result.LossTokens);
    }

    [Fact]
    public void Llama32_multi_turn_with_system_masks_each_assistant_turn_only()
    {
        List<ChatMessage> messages =
        [
            new("system", "You are terse."), new("user", "Hi"), new("assistant", "Hello."),
            new("user", "And 2+2?"), new("assistant", "4"),
        ];
        var (ids, mask) = Llama3.Pieces(bos: false,
            ("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n" +
             "You are terse.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n", false),
            ("Hello.", true), ("<|eot_id|>", true),
            ("<|start_header_id|>user<|end_header_id|>\n\nAnd 2+2?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n", false),
            ("4", true), ("<|eot_id|>", true));

        var result = Llama3.Conversations(Llama3.Template).Tokenize(messages);

        Assert.Equal(ids, result.Ids);
        Assert.Equal(mask, result.Mask);
        Assert.Equal(1, result.Ids.Count(id => id == BeginOfText));
    }

    [Fact]
    public void Chatml_without_system_block_gets_one_bos_and_masks_content_and_im_end()
    {
        var chatml = ChatTemplate.Load(TestPaths.Reference("chat_templates", "chatml.jinja"));
        List<ChatMessage> messages = [new("user", "Hello!"), new("assistant", "Hi there."), new("user", "More?"), new("assistant", "Yes.")];
        // ChatML markers are plain text for the Llama 3 tokenizer; the template writes no BOS, so it is added once.
        // "Hi there.<|im_end|>\n" encodes as Hi | there | .< | | | im | _end | | | >\n : content and end marker share ".<".
        var (ids, mask) = Llama3.Pieces(bos: true,
            ("<|im_start|>user\nHello!<|im_end|>\n<|im_start|>assistant\n", false),
            ("Hi there.<|im_end|>\n", true),
            ("<|im_start|>user\nMore?<|im_end|>\n<|im_start|>assistant\n", false),
            ("Yes.<|im_end|>\n", true));
        Assert.Equal([13347, 1070, 16134, 91, 318, 6345, 91, 397], Llama3.Tokenizer.Encode("Hi there.<|im_end|>\n"));

        var result = Llama3.Conversations(chatml).Tokenize(messages);

        Assert.Equal(ids, result.Ids);
        Assert.Equal(mask, result.Mask);
        Assert.Equal(BeginOfText, result.Ids[0]);
        Assert.Equal(1, result.Ids.Count(id => id == BeginOfText));
    }

    [Fact]
    public void Loss_on_all_marks_every_token_but_the_first()
    {
        var (messages, hfIds, _) = Llama3.Example("b_user_assistant_think_answer");
        var result = Llama3.Conversations(Llama3.Template, LossOn.All).Tokenize(messages);
        Assert.Equal(hfIds, result.Ids);
        Assert.Equal([0, .. Enumerable.Repeat((byte)1, hfIds.Length - 1)], result.Mask);
    }

    [Fact]
    public void Whitespace_tokens_after_the_end_marker_are_not_trained()
    {
        var template = ChatTemplate.Parse(
            "{% for m in messages %}<|start_header_id|>{{ m.role }}<|end_header_id|>{{ m.content }}<|eot_id|>\n\n{% endfor %}" +
            "{% if add_generation_prompt %}<|start_header_id|>assistant<|end_header_id|>{% endif %}", "eot-newlines");
        var (ids, mask) = Llama3.Pieces(bos: true,
            ("<|start_header_id|>user<|end_header_id|>Hi<|eot_id|>\n\n<|start_header_id|>assistant<|end_header_id|>", false),
            ("Yes<|eot_id|>", true), ("\n\n", false));

        var result = Llama3.Conversations(template).Tokenize([new("user", "Hi"), new("assistant", "Yes")]);

        Assert.Equal(ids, result.Ids);
        Assert.Equal(271, result.Ids[^1]); // "\n\n"
        Assert.Equal(mask, result.Mask);
    }

    [Fact]
    public void Generation_blocks_mark_the_tokens_of_their_span()
    {
        var template = ChatTemplate.Parse(
            "{{ bos_token }}{% for m in messages %}<|start_header_id|>{{ m.role }}<|end_header_id|>\n\n" +
            "{% if m.role == 'assistant' %}{% generation %}{{ m.content }}<|eot_id|>{% endgeneration %}{% else %}{{ m.content }}<|eot_id|>{% endif %}{% endfor %}",
            "generation");
        var (ids, mask) = Llama3.Pieces(bos: false,
            ("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n", false),
            ("Hello there.<|eot_id|>", true),
            ("<|start_header_id|>user<|end_header_id|>\n\nOk<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n", false),
            ("Bye<|eot_id|>", true));

        var result = Llama3.Conversations(template).Tokenize([new("user", "Hi"), new("assistant", "Hello there."), new("user", "Ok"), new("assistant", "Bye")]);

        Assert.Equal(ids, result.Ids);
        Assert.Equal(mask, result.Mask);
    }

    [Fact]
    public void A_generation_span_ending_inside_a_token_takes_that_whole_token()
    {
        var template = ChatTemplate.Parse(
            "{% for m in messages %}<|im_start|>{{ m.role }}\n{% if m.role == 'assistant' %}{% generation %}{{ m.content }}{% endgeneration %}" +
            "{% else %}{{ m.content }}{% endif %}<|im_end|>\n{% endfor %}", "chatml-generation");
        var (ids, mask) = Llama3.Pieces(bos: true,
            ("<|im_start|>user\nHello!<|im_end|>\n<|im_start|>assistant\n", false),
            ("Hi there", true),
            (".<|im_end|>\n", false));
        // The span is "Hi there." but "." is encoded together with "<" as ".<" (16134): as HF's
        // char_to_token mask does, the token holding the span's last char is trained.
        var dotLt = ids.Length - 6;
        Assert.Equal(16134, ids[dotLt]);
        mask[dotLt] = 1;

        var result = Llama3.Conversations(template).Tokenize([new("user", "Hello!"), new("assistant", "Hi there.")]);

        Assert.Equal(ids, result.Ids);
        Assert.Equal(mask, result.Mask);
    }

    [Fact]
    public void Prompt_is_the_conversation_before_the_answer_with_the_generation_prompt()
    {
        var (messages, _, _) = Llama3.Example("a_user_hello_generation_prompt");
        var (_, hfIds, hfText) = Llama3.Example("a_user_hello_generation_prompt");
        var (text, ids) = Llama3.Conversations(Llama3.Template).RenderPrompt(messages);
        Assert.Equal(hfText, text);
        Assert.Equal(hfIds, ids);
    }
}
