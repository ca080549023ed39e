using Finetune.Tool.Commands;
using Spectre.Console.Cli;

namespace Finetune.Tool;

/// <summary>
/// The command tree and the exit-code contract: 0 ok, 1 the user's input is wrong (one line on stderr),
/// 2 our bug (one line; the stack trace only with --verbose).
/// </summary>
public static class CliApp
{
    public const int Ok = 0;
    public const int UserError = 1;
    public const int InternalError = 2;

    public static async Task<int> RunAsync(string[] args)
    {
        var app = new CommandApp();
        app.Configure(Configure);
        bool verbose = args.Contains("--verbose");
        try
        {
            return await app.RunAsync(args);
        }
        catch (Finetune.Recipes.RecipeException e)
        {
            foreach (var d in e.Diagnostics) Console.Error.WriteLine(d.ToString());
            return UserError;
        }
        catch (Exception e) when (UserErrors.Describe(e) is { } line)
        {
            Console.Error.WriteLine($"error: {line}");
            if (verbose) Console.Error.WriteLine(e);
            return UserError;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"internal error: {e.GetType().Name}: {e.Message} (please report it; --verbose shows the stack trace)");
            if (verbose) Console.Error.WriteLine(e);
            return InternalError;
        }
    }

    public static void Configure(IConfigurator config)
    {
        config.SetApplicationName("dotnet finetune");
        config.PropagateExceptions();
        config.Settings.StrictParsing = true;
        config.AddCommand<RunCommand>("run")
            .WithDescription("Run a recipe: every stage whose inputs changed since the store last saw them.")
            .WithExample("run", "recipes/think-answer-tiny.yaml");
        config.AddCommand<PlanCommand>("plan")
            .WithDescription("Show each stage's key, whether it is cached, and which input changed since the last run.")
            .WithExample("plan", "recipes/think-answer-tiny.yaml");
        config.AddCommand<ValidateCommand>("validate")
            .WithDescription("Check recipes without running them (what CI and the MSBuild task run).")
            .WithExample("validate", "recipes/think-answer.yaml", "recipes/think-answer-tiny.yaml");
        config.AddBranch("cache", cache =>
        {
            cache.SetDescription("Inspect and tidy the content-addressed store.");
            cache.AddCommand<CacheListCommand>("ls").WithDescription("List store entries.");
            cache.AddCommand<CacheGcCommand>("gc").WithDescription("Remove leftovers of crashed runs and, given recipes, entries their locks do not reference.");
            cache.AddCommand<CacheVerifyCommand>("verify").WithDescription("Rehash every entry's files against its manifest.");
        });
        config.AddCommand<InitModelCommand>("init-model")
            .WithDescription("Write a small deterministic Hugging Face model folder (the embedded default's base model).")
            .WithExample("init-model", "--preset", "tiny", "--seed", "1", "--out", "recipes/models/tiny-llama");
        config.AddCommand<SchemaCommand>("schema")
            .WithDescription("Print the recipe JSON schema (recipes/recipe.schema.json is this output).");
    }
}
