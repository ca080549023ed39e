using System.Text;
using Finetune.Testing;

namespace Finetune.Recipes.Tests;

/// <summary>
/// Seeded mutation fuzzing of the YAML recipe loader: every mutated recipe loads or returns diagnostics (never
/// throws), each diagnostic one line with a position inside the text. Seeds: Fuzz/Seeds/recipe.
/// </summary>
public sealed class RecipeFuzzTests
{
    [Fact]
    public void Recipe_loader_survives_3000_mutated_recipes()
    {
        Fuzz.Run(Fuzz.Seeds("Finetune.Recipes.Tests", "recipe"), 3000, seed: 11, input =>
        {
            var text = Encoding.UTF8.GetString(input);
            var result = RecipeLoader.TryLoadText(text, "fuzz.yaml", checkPaths: false);
            var lines = text.Split('\n').Length + 1;
            foreach (var d in result.Diagnostics)
            {
                Assert.DoesNotContain('\n', d.ToString());
                Assert.InRange(d.Line, 1, lines);
                Assert.True(d.Column >= 1, d.ToString());
            }
        }, _ => false);
    }
}
