using Finetune.Pipeline;
using Finetune.Pipeline.Planning;
using Finetune.Pipeline.Store;
using Finetune.Recipes;
using Finetune.Testing;

namespace Finetune.Pipeline.Tests.Stages;

/// <summary>A temp copy of a recipe over the repository's tiny model and demo data, and an engine to run it.</summary>
internal sealed class StageTestKit
{
    public string Dir { get; } = TestPaths.NewTempDir("ft-stage");
    public string RecipePath { get; }
    public string Store => Path.Combine(Dir, "store");

    public StageTestKit(Func<string, string>? edit = null, string? modelPath = null)
    {
        var text = TinyRecipe.Text("export", modelPath);
        RecipePath = Path.Combine(Dir, "recipe.yaml");
        File.WriteAllText(RecipePath, edit?.Invoke(text) ?? text);
    }

    public Recipe Recipe => RecipeLoader.Load(RecipePath);

    public IReadOnlyList<StagePlan> Run(string? only = null) =>
        Job.Engine(Recipe, Store).Run(new RunOptions { Only = only }, new NullObserver());

    public IReadOnlyList<StagePlan> Run(RunOptions options, IPipelineObserver observer) =>
        Job.Engine(Recipe, Store).Run(options, observer);

    public string Entry(string stage) => Directory.EnumerateDirectories(Path.Combine(Store, stage)).Single(d => !Path.GetFileName(d).StartsWith('.'));

    internal class NullObserver : IPipelineObserver
    {
        public virtual void StageCached(StagePlan plan) { }
        public void StageStarting(StagePlan plan) { }
        public void StageFinished(StagePlan plan, StoreManifest manifest) { }
        public void StageSkipped(string stage, string why) { }
        public virtual void Message(string stage, string text) { }
    }
}
