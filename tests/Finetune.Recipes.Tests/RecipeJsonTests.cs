namespace Finetune.Recipes.Tests;

/// <summary>Canonical JSON (what stage keys hash) ignores spelling and follows content.</summary>
public sealed class RecipeJsonTests
{
    private const string Block = """
        name: t
        model:
          path: m
        tokens:
          add: ["<think>", "</think>"]
          pad_to_multiple_of: 64
        data:
          path: d.jsonl
          template_vars: { b: "2", a: "1" }
          messages:
            - { role: user, content: "{{ q }}" }
            - { role: assistant, content: "{{ a }}" }
        train:
          learning_rate: 1e-5
          warmup_ratio: 0.1
          epochs: 2
        """;

    private const string Reordered = """
        # same recipe, other spelling
        train:
          epochs: 2            # a comment
          warmup_ratio: 1.0e-1
          learning_rate: 0.00001
        data:
          messages:
            - content: "{{ q }}"
              role: user
            - role: assistant
              content: '{{ a }}'
          template_vars:
            a: "1"
            b: "2"
          path: d.jsonl
        tokens: { pad_to_multiple_of: 64, add: [<think>, </think>] }
        model: { path: m }
        name: t
        """;

    [Fact]
    public void Comments_key_order_style_and_number_spelling_do_not_change_it()
    {
        var a = RecipeText.Load(Block);
        var b = RecipeText.Load(Reordered);
        Assert.Equal(RecipeJson.Canonical(a), RecipeJson.Canonical(b));
        Assert.Equal(RecipeJson.Canonical(a.Train), RecipeJson.Canonical(b.Train));
        Assert.Equal(RecipeJson.Canonical(a.Data), RecipeJson.Canonical(b.Data));
    }

    [Fact]
    public void A_token_change_changes_the_tokens_section_only()
    {
        var a = RecipeText.Load(Block);
        var b = RecipeText.Load(Block.Replace("\"</think>\"", "\"</thinking>\""));
        Assert.NotEqual(RecipeJson.Canonical(a.Tokens), RecipeJson.Canonical(b.Tokens));
        Assert.Equal(RecipeJson.Canonical(a.Train), RecipeJson.Canonical(b.Train));
    }

    [Fact]
    public void A_learning_rate_change_changes_the_train_section_only()
    {
        var a = RecipeText.Load(Block);
        var b = RecipeText.Load(Block.Replace("1e-5", "2e-5"));
        Assert.NotEqual(RecipeJson.Canonical(a.Train), RecipeJson.Canonical(b.Train));
        Assert.Contains("\"learning_rate\":2e-5", RecipeJson.Canonical(b.Train));
        Assert.Equal(RecipeJson.Canonical(a.Tokens), RecipeJson.Canonical(b.Tokens));
    }

    [Fact]
    public void Source_path_is_not_part_of_it()
    {
        var a = RecipeLoader.TryLoadText(Block, "/a/r.yaml", checkPaths: false).Recipe!;
        var b = RecipeLoader.TryLoadText(Block, "/b/s.yaml", checkPaths: false).Recipe!;
        Assert.Equal(RecipeJson.Canonical(a), RecipeJson.Canonical(b));
        Assert.DoesNotContain("source_path", RecipeJson.Canonical(a), StringComparison.Ordinal);
    }

    [Fact]
    public void Tokens_section_text_is_exact()
    {
        // Hand-written: sorted keys, no whitespace, '<' and '>' unescaped.
        var tokens = RecipeText.Load(Block).Tokens;
        Assert.Equal("{\"add\":[\"<think>\",\"</think>\"],\"if_exists\":\"error\",\"pad_to_multiple_of\":64,\"pad_token\":null,\"special\":false}", RecipeJson.Canonical(tokens));
    }

    [Fact]
    public void Map_keys_are_sorted_and_custom_scalars_use_their_canonical_spelling()
    {
        var recipe = RecipeText.Load(Block + "\nexport: { max_shard_size: 5000MB }\n");
        Assert.Contains("\"template_vars\":{\"a\":\"1\",\"b\":\"2\"}", RecipeJson.Canonical(recipe.Data), StringComparison.Ordinal);
        Assert.Equal("{\"adapter\":false,\"dtype\":\"bf16\",\"format\":\"hf\",\"gguf\":null,\"max_shard_size\":\"5GB\",\"path\":null}", RecipeJson.Canonical(recipe.Export));
    }
}
