using Finetune.Text.Building;

namespace Finetune.Text.Tests.Building;

public sealed class Llama3SpecialTokensTests
{
    [Fact]
    public void Two_hundred_fifty_six_are_Llama3_2_added_tokens_in_order() =>
        Assert.Equal(Llama3Reference.AddedTokens, Llama3SpecialTokens.Create(256));

    [Fact]
    public void A_short_list_keeps_Llama3_offsets()
    {
        var tokens = Llama3SpecialTokens.Create(13);
        Assert.Equal(0, IndexOf(tokens, "<|begin_of_text|>"));
        Assert.Equal(4, IndexOf(tokens, "<|finetune_right_pad_id|>"));
        Assert.Equal(6, IndexOf(tokens, "<|start_header_id|>"));
        Assert.Equal(7, IndexOf(tokens, "<|end_header_id|>"));
        Assert.Equal(9, IndexOf(tokens, "<|eot_id|>"));
        Assert.Equal("<|reserved_special_token_4|>", tokens[12]);
    }

    [Fact]
    public void Fewer_than_the_named_prefix_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Llama3SpecialTokens.Create(10));

    private static int IndexOf(IReadOnlyList<string> tokens, string token) => tokens.ToList().IndexOf(token);
}
