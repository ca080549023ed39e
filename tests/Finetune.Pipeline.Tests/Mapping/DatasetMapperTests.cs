using System.Text.Json.Nodes;
using Finetune.Pipeline.Data;
using Finetune.Pipeline.Mapping;
using Finetune.Recipes;
using Finetune.Testing;
using Finetune.Text.Templates;

namespace Finetune.Pipeline.Tests.Mapping;

public sealed class DatasetMapperTests
{
    /// <summary>
    /// A template whose token count is easy to count by hand with the Llama 3 tokenizer: no BOS text (so BOS is
    /// added), and per message &lt;|start_header_id|&gt; role &lt;|end_header_id|&gt; content &lt;|eot_id|&gt;.
    /// A user+assistant row is 1 + (4 + user tokens) + (4 + answer tokens) tokens; its loss the answer + eot.
    /// </summary>
    private static readonly ChatTemplate Plain = ChatTemplate.Parse(
        "{% for m in messages %}<|start_header_id|>{{ m.role }}<|end_header_id|>{{ m.content }}<|eot_id|>{% endfor %}" +
        "{% if add_generation_prompt %}<|start_header_id|>assistant<|end_header_id|>{% endif %}", "plain");

    private static readonly MessageMapper QuestionAnswer = new(
    [
        new MessageTemplate { Role = "user", Content = "{{ q }}" },
        new MessageTemplate { Role = "assistant", Content = "{{ a }}" },
    ]);

    private const string Long12 = "Hello Hello Hello Hello Hello Hello Hello Hello Hello Hello Hello Hello";
    private const string HiThere4 = "Hi there Hi there Hi there Hi there";
    private const string HiThere6 = "Hi there Hi there Hi there Hi there Hi there Hi there";

    private readonly string _out = TestPaths.NewTempDir("map");

    private static DataRow Row(int line, string json) =>
        new("mem.jsonl", line, line, DataFormat.JsonLines, JsonNode.Parse(json)!.AsObject());

    /// <summary>Train: 6 rows (one bad, one truncated past its answer, one truncated inside it); test: 2 rows.</summary>
    private static DatasetSplit HandCounted() => new(
        [
            Row(1, """{"q": "Hello", "a": "Yes"}"""),              // 1 + 5 + 5 = 11 tokens, loss 2
            Row(2, """{"q": "Hi there", "a": "Yes"}"""),           // 1 + 6 + 5 = 12, loss 2
            Row(3, """{"q": "Hello"}"""),                          // bad: no column a
            Row(4, $$"""{"q": "{{Long12}}", "a": "Yes"}"""),       // 1 + 16 + 5 = 22 > 20, answer starts at 20: dropped
            Row(5, $$"""{"q": "Hello", "a": "{{HiThere6}}"}"""),   // 1 + 5 + 16 = 22 > 20: cut to 20, answer at 9..19: loss 11
            Row(8, $$"""{"q": "Hello", "a": "{{HiThere4}}"}"""),   // 1 + 5 + 12 = 18, loss 9
        ],
        [
            Row(6, """{"q": "More", "a": "Hi there"}"""),          // 1 + 5 + 6 = 12, loss 3
            Row(7, """{"q": "Hello", "a": "Yes"}"""),              // 11, loss 2
        ]);

    private static DatasetMapper Mapper(BadRowPolicy policy = BadRowPolicy.Skip, ChatTemplate? template = null, MessageMapper? messages = null) =>
        new(messages ?? QuestionAnswer, Llama3.Conversations(template ?? Plain), policy, maxSeqLength: 20);

    [Fact]
    public void Hand_counts_hold_for_the_reference_tokenizer()
    {
        var tok = Llama3.Tokenizer;
        Assert.All(new[] { "Hello", "Yes", "More", "user", "assistant" }, w => Assert.Single(tok.Encode(w)));
        Assert.Equal(2, tok.Encode("Hi there").Count);
        Assert.Equal(8, tok.Encode(HiThere4).Count);
        Assert.Equal(12, tok.Encode(HiThere6).Count);
        Assert.Equal(12, tok.Encode(Long12).Count);
    }

    [Fact]
    public void Stats_json_matches_a_hand_counted_dataset()
    {
        Mapper().Write(HandCounted(), rowsRead: 8, _out);

        var stats = JsonNode.Parse(File.ReadAllText(Path.Combine(_out, "stats.json")))!;
        var expected = JsonNode.Parse("""
            {
              "rows_read": 8, "max_seq_length": 20, "loss_on": "assistant",
              "rows": 6, "tokens": 84, "loss_tokens": 29, "truncated": 2,
              "dropped": { "no_loss_tokens_after_truncation": 1 },
              "skipped_bad_rows": { "missing_column": 1 },
              "splits": {
                "train": {
                  "rows_in": 6, "rows": 4, "tokens": 61, "loss_tokens": 24, "truncated": 2,
                  "dropped": { "no_loss_tokens_after_truncation": 1 },
                  "skipped_bad_rows": { "missing_column": 1 },
                  "length_histogram": [ { "min": 9, "max": 16, "rows": 2 }, { "min": 17, "max": 32, "rows": 2 } ]
                },
                "test": {
                  "rows_in": 2, "rows": 2, "tokens": 23, "loss_tokens": 5, "truncated": 0,
                  "dropped": {}, "skipped_bad_rows": {},
                  "length_histogram": [ { "min": 9, "max": 16, "rows": 2 } ]
                }
              }
            }
            """);
        Assert.True(JsonNode.DeepEquals(expected, stats), stats.ToJsonString());
    }

    [Fact]
    public void Shards_round_trip_rows_in_order_with_truncation()
    {
        Mapper().Write(HandCounted(), rowsRead: 8, _out);

        Assert.Equal([0L, 11, 23, 43, 61], ShardFiles.Offsets(_out, "train"));
        Assert.Equal([0L, 12, 23], ShardFiles.Offsets(_out, "test"));
        var conversations = Llama3.Conversations(Plain);
        TokenizedConversation Expected(string q, string a) => conversations.Tokenize([new("user", q), new("assistant", a)]).Truncate(20);
        TokenizedConversation[] train = [Expected("Hello", "Yes"), Expected("Hi there", "Yes"), Expected("Hello", HiThere6), Expected("Hello", HiThere4)];
        Assert.Equal(train.Select(t => (t.Ids, t.Mask)), ShardFiles.Read(_out, "train"));
        TokenizedConversation[] test = [Expected("More", "Hi there"), Expected("Hello", "Yes")];
        Assert.Equal(test.Select(t => (t.Ids, t.Mask)), ShardFiles.Read(_out, "test"));

        using (var shard = Finetune.Torch.Training.Data.TokenShard.Open(Path.Combine(_out, "train")))
            Assert.Equal(train.Select(t => (t.Ids, t.Mask)), Enumerable.Range(0, shard.RowCount).Select(shard.ReadRow));

        // The cut row keeps 20 tokens: BOS, user turn (5), assistant header (3), then 11 answer tokens with loss.
        var cut = ShardFiles.Read(_out, "train")[2];
        Assert.Equal([.. Enumerable.Repeat((byte)0, 9), .. Enumerable.Repeat((byte)1, 11)], cut.Mask);
    }

    [Fact]
    public void Test_rows_keep_columns_prompt_and_expected_completion()
    {
        Mapper().Write(HandCounted(), rowsRead: 8, _out);

        var lines = File.ReadAllLines(Path.Combine(_out, "test_rows.jsonl"));
        Assert.Equal(2, lines.Length);
        var first = JsonNode.Parse(lines[0])!;
        Assert.Equal(0, (int)first["index"]!);
        Assert.Equal("mem.jsonl: line 6", (string)first["source"]!);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"q": "More", "a": "Hi there"}"""), first["columns"]));
        Assert.Equal("<|start_header_id|>user<|end_header_id|>More<|eot_id|><|start_header_id|>assistant<|end_header_id|>", (string)first["prompt"]!);
        // BOS, <|start_header_id|> user <|end_header_id|> More <|eot_id|> <|start_header_id|> assistant <|end_header_id|>
        Assert.Equal([128000, 128006, 882, 128007, 7816, 128009, 128006, 78191, 128007], first["prompt_ids"]!.AsArray().Select(i => (int)i!));
        Assert.Equal("Hi there", (string)first["completion"]!);
        Assert.Equal("mem.jsonl: line 7", (string)JsonNode.Parse(lines[1])!["source"]!);
    }

    [Fact]
    public void On_bad_row_error_stops_naming_file_and_line()
    {
        var error = Assert.Throws<DataException>(() => Mapper(BadRowPolicy.Error).Write(HandCounted(), 8, _out));
        Assert.Equal("mem.jsonl: line 3: data.messages[1].content reads column 'a', which the row does not have (columns: q) (on_bad_row: skip drops such rows)", error.Message);
    }

    [Fact]
    public void Rows_without_loss_tokens_are_dropped_and_template_errors_are_bad_rows()
    {
        var strict = ChatTemplate.Parse(
            "{% for m in messages %}{% if m.role == 'system' %}{{ raise_exception('no system role') }}{% endif %}" +
            "<|start_header_id|>{{ m.role }}<|end_header_id|>{{ m.content }}<|eot_id|>{% endfor %}", "no-system");
        var split = new DatasetSplit(
            [
                Row(1, """{"messages": [{"role": "user", "content": "Hello"}]}"""),
                Row(2, """{"messages": [{"role": "system", "content": "S"}, {"role": "user", "content": "Hello"}, {"role": "assistant", "content": "Yes"}]}"""),
                Row(3, """{"messages": [{"role": "user", "content": "Hello"}, {"role": "assistant", "content": "Yes"}]}"""),
            ],
            []);
        var stats = Mapper(template: strict, messages: new MessageMapper(null)).Write(split, 3, _out);
        Assert.Equal(1, stats.Train.Rows);
        Assert.Equal(new Dictionary<string, int> { ["no_loss_tokens"] = 1 }, stats.Train.Dropped);
        Assert.Equal(new Dictionary<string, int> { ["chat_template_error"] = 1 }, stats.Train.Skipped);

        var error = Assert.Throws<DataException>(() => Mapper(BadRowPolicy.Error, strict, new MessageMapper(null)).Write(split, 3, TestPaths.NewTempDir()));
        Assert.StartsWith("mem.jsonl: line 2: the chat template failed on this row: no-system:1:", error.Message);
        Assert.Contains("no system role", error.Message);
    }

    [Fact]
    public void A_template_that_rewrites_earlier_turns_fails_naming_template_and_row()
    {
        var rewrites = ChatTemplate.Parse("{% for m in messages %}{% if loop.last %}[last]{% endif %}{{ m.role }}: {{ m.content }}\n{% endfor %}", "rewrites-history");
        var split = new DatasetSplit([Row(1, """{"q": "Hi", "a": "Yes"}""")], []);
        var error = Assert.Throws<DataException>(() => Mapper(template: rewrites).Write(split, 1, _out));
        Assert.StartsWith("mem.jsonl: line 1: chat template rewrites-history: the tokens of the conversation rendered up to before assistant message 1 are not a prefix", error.Message);
    }
}
