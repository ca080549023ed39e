using System.Text.Json;
using Finetune.Testing;
using Finetune.Text.Tokenizers;

namespace Finetune.Text.Tests.Tokenizers;

public sealed class TokenContractTests(Llama3Fixture fixture) : IClassFixture<Llama3Fixture>
{
    private static readonly string[] ThinkAnswer = ["<think>", "</think>", "<answer>", "</answer>"];
    private readonly HfTokenizer _tok = fixture.Tokenizer;

    [Fact]
    public void Llama3_added_tokens_pass_the_contract()
    {
        var report = TokenContract.Check(_tok, _tok.WithAddedTokens(ThinkAnswer, special: false), ThinkAnswer, "<|start_header_id|>");
        Assert.True(report.Passed);
        Assert.True(report.RoundTrips);
        Assert.Equal(128006, report.SeedId);
        var think = report.Tokens[0];
        Assert.Equal([128256], think.Alone);
        Assert.Equal([220, 128256], think.AfterSpace); // 220 = "Ġ", a space alone
        Assert.Equal([64, 128256, 65], think.InContext); // "a" = 64, "b" = 65 (bytes 97, 98 less 33)
    }

    [Fact]
    public void Tokens_that_were_never_added_fail_the_contract()
    {
        var report = TokenContract.Check(_tok, _tok, ["<think>"], null);
        Assert.False(report.Passed);
        Assert.Null(report.Tokens[0].Id);
        Assert.Equal([14023, 771, 29], report.Tokens[0].Alone);
    }

    [Fact]
    public void Llama2_contract_passes_ids_and_reports_the_hf_round_trip_difference()
    {
        var llama2 = HfTokenizer.FromFolder(Path.GetDirectoryName(TestPaths.Reference("llama2", "tokenizer.json"))!);
        var report = TokenContract.Check(llama2, llama2.WithAddedTokens(ThinkAnswer, special: false), ThinkAnswer, "<s>");
        Assert.True(report.Passed);
        Assert.False(report.RoundTrips);
        Assert.Equal([259, 32000], report.Tokens[0].AfterSpace); // "▁▁" then the token (README worked example: " " → 259)
        Assert.Equal([263, 32000, 289], report.Tokens[0].InContext); // ▁a, <think>, ▁b: the per-segment ▁
        Assert.Contains("\"a<think>b\" decodes as \"a<think> b\"", report.Tokens[0].RoundTripFailures);
    }

    [Fact]
    public void Seed_token_must_be_one_existing_token()
    {
        var e = Assert.Throws<TokenizerException>(() => TokenContract.Check(_tok, _tok, [], "<|no_such_token|>"));
        Assert.StartsWith("seed.from \"<|no_such_token|>\" is not a single token of ", e.Message);
        Assert.Equal(15339, TokenContract.Check(_tok, _tok, [], "hello").SeedId);
    }

    [Fact]
    public void Report_serializes_to_json()
    {
        var report = TokenContract.Check(_tok, _tok.WithAddedTokens(["<think>"], special: false), ["<think>"], null);
        var json = JsonSerializer.Serialize(report);
        Assert.Contains("\"Token\":\"\\u003Cthink\\u003E\"", json);
        Assert.Contains("\"Passed\":true", json);
    }
}
