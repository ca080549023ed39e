namespace Finetune.Text.Tests.Building;

/// <summary>A few paragraphs written for these tests (reasoning-style rows like the demo data).</summary>
internal static class TrainingTexts
{
    public static IReadOnlyList<string> Paragraphs { get; } =
    [
        "Why is the sky blue? Sunlight is scattered by the air. Blue light is scattered more than red light, so the sky looks blue.",
        "The train leaves at 9:45 and the trip takes 2 hours and 30 minutes, so it arrives at 12:15.",
        "Think first, then answer. If a shop sells 3 apples for 2 dollars, then 12 apples cost 8 dollars.",
        "To check if two strings are anagrams, sort the letters of each string and compare the results.\n\ndef is_anagram(a, b):\n    return sorted(a) == sorted(b)\n",
        "The answer is the number of ways to choose 2 items out of 5, which is 10. Let's think about why: each pair is counted once.",
        "Water boils at 100 degrees Celsius at sea level; at higher places it boils at a lower temperature because the air pressure is lower.",
    ];

    private static readonly string[] Syllables = ["ka", "lo", "mi", "ne", "su", "ta", "ri", "po", "an", "el", "or", "us", "th", "ing", "er", "qu"];

    /// <summary>
    /// As many rows as the demo data (~2,000): a paragraph plus a sentence of made-up words (seeded), so that
    /// there are far more distinct words than the paragraphs alone have.
    /// </summary>
    public static IEnumerable<string> ManyRows(int rows)
    {
        var random = new Random(7);
        string Word() => string.Concat(Enumerable.Range(0, random.Next(1, 5)).Select(_ => Syllables[random.Next(Syllables.Length)]));
        for (var i = 0; i < rows; i++)
            yield return $"Row {i}: {Paragraphs[i % Paragraphs.Count]} {string.Join(' ', Enumerable.Range(0, 12).Select(_ => Word()))}.";
    }
}
