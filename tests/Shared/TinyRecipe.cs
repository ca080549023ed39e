namespace Finetune.Testing;

/// <summary>
/// The default recipe (recipes/think-answer-tiny.yaml) as tests write it into a temp folder: model and data
/// paths made absolute (the repository's), the export path chosen by the test.
/// </summary>
internal static class TinyRecipe
{
    /// <param name="dataPath">another data file in place of the demo data</param>
    public static string Text(string exportPath, string? modelPath = null, string? dataPath = null)
    {
        var text = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "recipes", "think-answer-tiny.yaml"))
            .Replace("path: models/tiny-llama", $"path: {modelPath ?? Path.Combine(TestPaths.RepoRoot, "recipes", "models", "tiny-llama")}")
            .Replace("path: data/demo-reasoning.jsonl", $"path: {dataPath ?? Path.Combine(TestPaths.RepoRoot, "recipes", "data", "demo-reasoning.jsonl")}")
            .Replace("path: ../artifacts/export/think-answer-tiny", $"path: {exportPath}");
        if (!text.Contains($"path: {exportPath}", StringComparison.Ordinal))
            throw new InvalidOperationException("recipes/think-answer-tiny.yaml no longer has the export path the tests replace");
        return text;
    }

    /// <summary>
    /// <paramref name="text"/> with <paramref name="steps"/> training steps in one epoch and a 2-question,
    /// 16-token evaluation: for tests of the store, the export or reruns, not of learning.
    /// </summary>
    public static string Short(string text, int steps)
    {
        var shortened = text.Replace("  epochs: 3\n", $"  epochs: 1\n  max_steps: {steps}\n")
            .Replace("  test_questions: 20\n", "  test_questions: 2\n")
            .Replace("  max_new_tokens: 96\n", "  max_new_tokens: 16\n");
        if (!shortened.Contains($"max_steps: {steps}\n", StringComparison.Ordinal) || !shortened.Contains("test_questions: 2\n", StringComparison.Ordinal))
            throw new InvalidOperationException("recipes/think-answer-tiny.yaml no longer has the train/evaluate lines the tests shorten");
        return shortened;
    }
}
