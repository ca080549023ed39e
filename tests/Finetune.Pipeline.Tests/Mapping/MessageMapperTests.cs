using Finetune.Pipeline.Data;
using Finetune.Pipeline.Mapping;
using Finetune.Pipeline.Tests.Data;
using Finetune.Recipes;

namespace Finetune.Pipeline.Tests.Mapping;

public sealed class MessageMapperTests
{
    private static readonly MessageMapper ThinkAnswer = new(
    [
        new MessageTemplate { Role = "user", Content = "{{ instruction }}" },
        new MessageTemplate { Role = "assistant", Content = "<think>{{ reasoning }}</think><answer>{{ output }}</answer>" },
    ]);

    private static List<DataRow> Rows(string name, string text) => [.. DatasetReader.Open(DataFiles.Write(name, text))];

    [Fact]
    public void Renders_each_message_content_over_the_row_columns()
    {
        var row = Rows("d.jsonl", """{"instruction": "Add 2 and 3.", "reasoning": "2 + 3 = 5", "output": "5"}""" + "\n")[0];
        var messages = ThinkAnswer.MapOrThrow(row);
        Assert.Equal(
            [new ChatMessage("user", "Add 2 and 3."), new ChatMessage("assistant", "<think>2 + 3 = 5</think><answer>5</answer>")],
            messages);
    }

    [Fact]
    public void Missing_column_error_names_file_line_template_and_column()
    {
        var rows = Rows("train.jsonl",
            """{"instruction": "a", "reasoning": "b", "output": "c"}""" + "\n" +
            """{"instruction": "a", "reasoning": "b"}""" + "\n");
        Assert.NotNull(ThinkAnswer.MapOrThrow(rows[0]));
        var error = Assert.Throws<DataException>(() => ThinkAnswer.MapOrThrow(rows[1]));
        Assert.EndsWith("train.jsonl", error.File);
        Assert.Equal("line 2", error.Location);
        Assert.Contains("train.jsonl: line 2: data.messages[1].content reads column 'output', which the row does not have (columns: instruction, reasoning)", error.Message);
        Assert.Equal(BadRow.MissingColumn, ThinkAnswer.Map(rows[1]).Bad!.Reason);
    }

    [Fact]
    public void Missing_column_in_csv_names_record_and_line()
    {
        var rows = Rows("d.csv", "instruction,reasoning\n\"multi\nline\",r\nx,y\n");
        var error = Assert.Throws<DataException>(() => ThinkAnswer.MapOrThrow(rows[1]));
        Assert.Equal("record 2 (line 4)", error.Location);
        Assert.Contains("d.csv: record 2 (line 4): data.messages[1].content reads column 'output'", error.Message);
    }

    [Fact]
    public void Null_list_or_boolean_printed_as_text_is_a_bad_row()
    {
        var rows = Rows("d.jsonl",
            """{"instruction": "a", "reasoning": null, "output": "c"}""" + "\n" +
            """{"instruction": ["a"], "reasoning": "b", "output": "c"}""" + "\n" +
            """{"instruction": "a", "reasoning": "b", "output": true}""" + "\n");
        var problems = rows.Select(r => ThinkAnswer.Map(r).Bad!).ToList();
        Assert.All(problems, p => Assert.Equal(BadRow.NotText, p.Reason));
        Assert.Equal("data.messages[1].content prints column 'reasoning' as text, but it is null", problems[0].Problem);
        Assert.Equal("data.messages[0].content prints column 'instruction' as text, but it is a list", problems[1].Problem);
        Assert.Equal("data.messages[1].content prints column 'output' as text, but it is a boolean", problems[2].Problem);
        Assert.Contains("d.jsonl: line 1: data.messages[1].content prints column 'reasoning' as text, but it is null",
            Assert.Throws<DataException>(() => ThinkAnswer.MapOrThrow(rows[0])).Message);
    }

    [Fact]
    public void Numbers_print_as_python_prints_them()
    {
        var row = Rows("d.jsonl", """{"instruction": "q", "reasoning": 2.5, "output": 42}""" + "\n")[0];
        Assert.Equal("<think>2.5</think><answer>42</answer>", ThinkAnswer.MapOrThrow(row)[1].Content);
    }

    [Fact]
    public void Loop_variables_set_names_and_filters_are_not_columns()
    {
        var mapper = new MessageMapper(
        [
            new MessageTemplate { Role = "user", Content = "{% set sep = '; ' %}{% for s in steps %}{{ s | upper }}{% if not loop.last %}{{ sep }}{% endif %}{% endfor %}" },
        ]);
        var row = Rows("d.jsonl", """{"steps": ["one", "two"]}""" + "\n")[0];
        Assert.Equal("ONE; TWO", mapper.MapOrThrow(row)[0].Content);
    }

    [Fact]
    public void A_column_read_only_in_a_condition_must_exist_but_may_be_null()
    {
        var mapper = new MessageMapper([new MessageTemplate { Role = "user", Content = "{% if hint %}Hint: {{ hint }}. {% endif %}{{ q }}" }]);
        var rows = Rows("d.jsonl", """{"q": "Why?", "hint": ""}""" + "\n" + """{"q": "Why?"}""" + "\n");
        Assert.Equal("Why?", mapper.MapOrThrow(rows[0])[0].Content);
        Assert.Equal(BadRow.MissingColumn, mapper.Map(rows[1]).Bad!.Reason);
    }

    [Fact]
    public void Without_message_templates_the_rows_messages_column_is_used()
    {
        var mapper = new MessageMapper(null);
        var rows = Rows("d.jsonl",
            """{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}""" + "\n" +
            """{"messages": [{"role": "user"}]}""" + "\n" +
            """{"text": "no messages"}""" + "\n");
        Assert.Equal([new ChatMessage("user", "Hi"), new ChatMessage("assistant", "Hello")], mapper.MapOrThrow(rows[0]));
        Assert.Equal(new BadRow(BadRow.BadMessages, "messages[0] must be an object with string 'role' and 'content'"), mapper.Map(rows[1]).Bad);
        Assert.Equal(BadRow.MissingColumn, mapper.Map(rows[2]).Bad!.Reason);
        Assert.Contains("d.jsonl: line 3: the recipe has no data.messages", Assert.Throws<DataException>(() => mapper.MapOrThrow(rows[2])).Message);
    }

    [Fact]
    public void A_syntax_error_in_a_message_template_names_the_message()
    {
        var error = Assert.Throws<PipelineException>(() => new MessageMapper(
            [new MessageTemplate { Role = "user", Content = "ok" }, new MessageTemplate { Role = "assistant", Content = "{{ output" }]));
        Assert.StartsWith("recipe data.messages[1].content:1:", error.Message);
    }
}
