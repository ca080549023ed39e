using System.Text.Json.Nodes;
using Finetune.Recipes;

namespace Finetune.Pipeline.Stages;

/// <summary>Reads <c>tokens:</c>: the extended tokenizer files, the new ids, probe encodings before/after and the token contract check.</summary>
public sealed class TokenizeStage(Recipe recipe) : RecipeStage(recipe)
{
    public override string Name => "tokenize";

    public override int Version => 1;

    public override IReadOnlyList<string> Upstream => [];

    public override StageDeclaration Declare() => new(
        new JsonObject
        {
            ["tokens"] = Section(Recipe.Tokens),
            ["seed_from"] = Recipe.Seed.From,
            ["seed_overrides"] = Section(Recipe.Seed.Overrides),
        },
        ModelFiles.Tokenizer(ModelPath).ToDictionary(f => f.Label, f => f.Path));

    public override void Run(StageRun run) => throw NotImplementedYet();
}
