using System.Globalization;
using System.Text.RegularExpressions;
using Finetune.Pipeline.Data;
using Finetune.Testing;

namespace Finetune.Pipeline.Tests.Data;

public sealed partial class DemoDataGeneratorTests
{
    private static readonly string ShippedFile = Path.Combine(TestPaths.RepoRoot, "recipes", "data", "demo-reasoning.jsonl");

    private static readonly IReadOnlyList<DemoExample> Shipped = DemoDataGenerator.Generate(2000, 7);

    [Fact]
    public void The_shipped_file_is_regenerated_byte_for_byte()
    {
        using var generated = new MemoryStream();
        DemoDataGenerator.WriteJsonl(Shipped, generated);

        var expected = File.ReadAllBytes(ShippedFile);
        Assert.Equal(expected.Length, generated.Length);
        Assert.True(expected.AsSpan().SequenceEqual(generated.ToArray()), "recipes/data/demo-reasoning.jsonl differs from DemoDataGenerator.Generate(2000, 7)");
    }

    [Fact]
    public void The_shipped_file_is_utf8_without_bom_with_lf_line_endings_and_reads_back()
    {
        var bytes = File.ReadAllBytes(ShippedFile);
        Assert.Equal((byte)'{', bytes[0]);
        Assert.DoesNotContain((byte)'\r', bytes);
        Assert.Equal((byte)'\n', bytes[^1]);

        var rows = JsonLinesReader.Read(ShippedFile).ToList();

        Assert.Equal(2000, rows.Count);
        Assert.All(rows, r => Assert.Equal(["instruction", "reasoning", "output"], r.ColumnNames));
        Assert.Equal(Shipped[1999].Reasoning, rows[1999].Values["reasoning"]!.GetValue<string>());
    }

    [Fact]
    public void The_first_rows_of_seed_7_read_as_checked_by_hand()
    {
        Assert.Equal(new DemoExample(
            "Sam has 13 blocks. On the way home, he loses 11 of them. How many blocks does Sam have now?",
            "Sam has 13 blocks. He loses 11. 13 minus 11 is 2. So Sam has 2 blocks now.",
            "2"), Shipped[0]);
        Assert.Equal(
            """{"instruction":"Emma has 20 toy cars. Jack has 6 toy cars. How many more toy cars does Emma have than Jack?","reasoning":"Emma has 20 toy cars and Jack has 6. 20 minus 6 is 14. So Emma has 14 more toy cars.","output":"14"}""",
            DemoDataGenerator.ToJsonLine(Shipped[1]));
    }

    [Fact]
    public void Json_lines_keep_key_order_and_escape_only_what_json_needs()
    {
        var line = DemoDataGenerator.ToJsonLine(new DemoExample("Is 2 < 3 & \"yes\"?", "a\\b ünï", "5"));

        Assert.Equal("""{"instruction":"Is 2 < 3 & \"yes\"?","reasoning":"a\\b ünï","output":"5"}""", line);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(1)]
    [InlineData(-3)]
    public void Every_answer_follows_from_the_question_alone(int seed)
    {
        var examples = seed == 7 ? Shipped : DemoDataGenerator.Generate(500, seed);
        var kinds = new Dictionary<string, int>();

        foreach (var example in examples)
        {
            var (kind, answer) = Solve(example.Instruction);
            kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
            Assert.True(answer.ToString(CultureInfo.InvariantCulture) == example.Output, $"{example.Instruction} => {answer}, not {example.Output}");
        }

        Assert.Equal(8, kinds.Count);
        Assert.All(kinds, k => Assert.True(k.Value >= examples.Count / 40, $"{k.Key} appears only {k.Value} times"));
    }

    [Fact]
    public void Every_reasoning_step_is_correct_and_ends_in_the_answer()
    {
        foreach (var example in Shipped)
        {
            var steps = Step().Matches(example.Reasoning);
            Assert.NotEmpty(steps);
            foreach (Match step in steps)
            {
                int a = Number(step.Groups[1]), b = Number(step.Groups[3]), c = Number(step.Groups[4]);
                var expected = step.Groups[2].Value switch
                {
                    "plus" => a + b,
                    "minus" => a - b,
                    "times" => a * b,
                    _ => a % b == 0 ? a / b : -1,
                };
                Assert.True(expected == c, $"wrong step '{step.Value}' in: {example.Reasoning}");
            }
            Assert.Equal(example.Output, steps[^1].Groups[4].Value);
            var last = example.Reasoning[(example.Reasoning.LastIndexOf(". ", StringComparison.Ordinal) + 2)..];
            Assert.StartsWith("So ", last);
            Assert.Contains($" {example.Output} ", last);
        }
    }

    [Fact]
    public void Answers_are_small_and_texts_short()
    {
        Assert.All(Shipped, e =>
        {
            Assert.InRange(int.Parse(e.Output, CultureInfo.InvariantCulture), 0, 20);
            var words = $"{e.Instruction} {e.Reasoning} {e.Output}".Split(' ').Length;
            Assert.True(words <= 60, $"{words} words: {e.Instruction}");
        });
        Assert.True(Shipped.Select(e => e.Instruction).Distinct().Count() > 1900, "the questions should rarely repeat");
        Assert.Equal(21, Shipped.Select(e => e.Output).Distinct().Count());
    }

    [Fact]
    public void The_same_seed_gives_the_same_rows_and_a_shorter_run_is_a_prefix()
    {
        Assert.Equal(Shipped.Take(25), DemoDataGenerator.Generate(25, 7));
        Assert.NotEqual(Shipped.Take(25), DemoDataGenerator.Generate(25, 8));
        Assert.Empty(DemoDataGenerator.Generate(0, 7));
    }

    [Fact]
    public void Writing_to_a_path_creates_its_folder()
    {
        var path = Path.Combine(TestPaths.NewTempDir("demo"), "sub", "demo.jsonl");

        DemoDataGenerator.WriteJsonl(path, 3, 7);

        Assert.Equal(Shipped.Take(3).Select(DemoDataGenerator.ToJsonLine).Select(l => l + "\n"), File.ReadAllLines(path).Select(l => l + "\n"));
    }

    private static readonly Dictionary<string, int> LegsOf = new()
    {
        ["cat"] = 4, ["dog"] = 4, ["cow"] = 4, ["horse"] = 4, ["pig"] = 4,
        ["duck"] = 2, ["hen"] = 2, ["bird"] = 2, ["spider"] = 8, ["ant"] = 6,
    };

    /// <summary>
    /// Answers a question from its own words, independently of the generator: the numbers in order,
    /// and what the question asks (legs of animals, how many more, shared, in groups, given away, taken away, put together).
    /// </summary>
    private static (string Kind, int Answer) Solve(string question)
    {
        var n = Regex.Matches(question, @"\d+").Select(m => int.Parse(m.Value, CultureInfo.InvariantCulture)).ToArray();
        if (question.Contains("legs", StringComparison.Ordinal))
            return ("legs", Regex.Matches(question, @"(\d+) (\w+?)s? ").Sum(m => Number(m.Groups[1]) * LegsOf[m.Groups[2].Value]));
        if (question.Contains("How many more", StringComparison.Ordinal))
            return ("compare", n[0] - n[1]);
        if (question.Contains("each friend get", StringComparison.Ordinal))
            return n[0] % n[1] == 0 ? ("share", n[0] / n[1]) : ("share", -1);
        if (question.Contains(". Each ", StringComparison.Ordinal))
            return ("groups", n[0] * n[1]);
        if (question.Contains("to their mom", StringComparison.Ordinal))
            return ("pick and give", n[0] + n[1] - n[2]);
        if (Regex.IsMatch(question, @"\b(eats|loses|blows)\b"))
            return ("take away", n[0] - n[1]);
        if (Regex.IsMatch(question, @"\b(gives (her|him)|finds) \d+ more\b"))
            return ("get more", n[0] + n[1]);
        if (Regex.IsMatch(question, @"sees \d+ \w+ \w+ and \d+ "))
            return ("see two colors", n[0] + n[1]);
        throw new InvalidOperationException($"unknown question: {question}");
    }

    private static int Number(Group g) => int.Parse(g.Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"(\d+) (plus|minus|times|divided by) (\d+) is (\d+)")]
    private static partial Regex Step();
}
