using System.Text.Json;
using System.Text.Json.Nodes;
using Finetune.Recipes;

namespace Finetune.Pipeline.Stages;

/// <summary>
/// A stage over one input record: <see cref="Declare"/> is that record (values and files), and
/// <see cref="Run(TInput, StageRun)"/> receives it, never the recipe, so a stage reads only what its key covers.
/// </summary>
public abstract class Stage<TInput>(TInput input) : IStage where TInput : StageInput
{
    /// <summary>How stage reports are written: indented, non-ASCII kept readable.</summary>
    protected static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    protected static readonly JsonSerializerOptions SnakeCase = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public TInput Input { get; } = input;

    public abstract string Name { get; }

    public abstract int Version { get; }

    public abstract IReadOnlyList<string> Upstream { get; }

    public StageDeclaration Declare() => new(Input.Params(), Input.Files());

    public void Run(StageRun run) => Run(Input, run);

    protected abstract void Run(TInput input, StageRun run);

    /// <summary>A recipe enum as the recipe spells it (<c>adamw_8bit</c>).</summary>
    protected static string Spelling(Enum value) => JsonNode.Parse(RecipeJson.Canonical(value))!.GetValue<string>();
}
