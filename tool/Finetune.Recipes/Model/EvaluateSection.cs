using System.ComponentModel;
using System.Text.RegularExpressions;

namespace Finetune.Recipes;

/// <summary><c>evaluate:</c> what is measured after training.</summary>
public sealed record EvaluateSection
{
    /// <summary>Free prompts answered by the model before and after training.</summary>
    [Description("Prompts answered before and after training, shown in the report.")]
    public IReadOnlyList<string> Prompts { get; init; } = [];

    /// <summary>How many test-split questions are generated and checked against expect_format.</summary>
    [RecipeRange(Min = 0)]
    [Description("Number of test-split questions answered and checked against expect_format (0: none).")]
    public int TestQuestions { get; init; } = 20;

    /// <summary>Tokens generated per answer at most.</summary>
    [RecipeRange(Min = 1)]
    [Description("Tokens generated per answer at most (>= 1).")]
    public int MaxNewTokens { get; init; } = 256;

    /// <summary>Where generation starts: after the user turn (the original's) or after the generation prompt.</summary>
    [Description("Where each answer's generation starts: after_user_turn (the prompt ends with the user turn's end-of-turn marker and the model writes the assistant header itself, as the original job's final check; format compliance is judged on the text after that header) or after_generation_prompt (the chat template's generation prompt is appended).")]
    public PromptPlacement Placement { get; init; } = PromptPlacement.AfterGenerationPrompt;

    /// <summary>Sampling temperature; 0 is greedy.</summary>
    [RecipeRange(Min = 0)]
    [Description("Sampling temperature; 0: greedy decoding.")]
    public double Temperature { get; init; }

    /// <summary>Regular expression a whole answer must match to count as well-formed; null skips the check. Use <see cref="FormatRegex"/>.</summary>
    [RecipeRegex]
    [Description("A .NET regular expression the whole answer must match to count as well-formed (format compliance); '.' also matches newlines. null: no format check.")]
    public string? ExpectFormat { get; init; } = "<think>.+</think><answer>.+</answer>";

    /// <summary>
    /// <see cref="ExpectFormat"/> compiled the one way every stage uses it: anchored to the whole answer
    /// (surrounding whitespace allowed), '.' matching newlines; null when there is no format check.
    /// </summary>
    public Regex? FormatRegex() => ExpectFormat is null
        ? null
        : new Regex($@"\A\s*(?:{ExpectFormat})\s*\z", RegexOptions.Singleline | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
}
