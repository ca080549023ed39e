using Finetune.Tool.Commands;
using Finetune.Tool.Output;
using Spectre.Console.Cli;

namespace Finetune.Tool;

/// <summary>
/// The command tree and the exit-code contract: 0 ok, 1 the user's input is wrong (one line on stderr),
/// 2 our bug (one line; the stack trace only with --verbose); 130 cancelled (Ctrl-C).
/// </summary>
public static class CliApp
{
    public const int Ok = 0;
    public const int UserError = 1;
    public const int InternalError = 2;
    public const int Interrupted = 130;

    public static async Task<int> RunAsync(string[] args)
    {
        Finetune.Recipes.RecipeLoadOptions.DefaultTemplateCheck = CheckTemplateSyntax;
        var app = new CommandApp();
        app.Configure(Configure);
        bool verbose = args.Contains("--verbose");
        // Ctrl-C (SIGINT) cancels the work cooperatively: every long loop checks the token, the store keeps only
        // whole entries (a stage's temp folder is removed on the way out) and the store lock is released. What
        // does not stop within the grace period (a long native call) is ended by the watchdog; so is a second Ctrl-C.
        using var interrupt = new Interrupt(Console.Error, terminal: !Console.IsErrorRedirected);
        Console.CancelKeyPress += interrupt.OnCancelKeyPress;
        try
        {
            return await app.RunAsync(args, interrupt.Token);
        }
        catch (Exception) when (interrupt.Requested)
        {
            // Whatever the cancelled work threw on its way out (OperationCanceledException, or an I/O error of a
            // write cut short) is the interruption, not a failure.
            return interrupt.Exit();
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
        finally
        {
            Console.CancelKeyPress -= interrupt.OnCancelKeyPress;
        }
    }

    /// <summary>Lets recipe validation parse <c>data.messages</c> templates with the template engine (Recipes cannot reference it).</summary>
    public static Finetune.Recipes.TemplateSyntaxError? CheckTemplateSyntax(string template)
    {
        try
        {
            Finetune.Text.Templates.ChatTemplate.Parse(template);
            return null;
        }
        catch (Finetune.Text.Templates.TemplateSyntaxException e)
        {
            return new(e.Reason, e.Line, e.Column);
        }
    }

    public static void Configure(IConfigurator config)
    {
        config.SetApplicationName("dotnet finetune");
        // --version (and -v) print ToolVersion; --help starts with it too.
        config.SetApplicationVersion(ToolVersion.Current);
        config.SetHelpProvider(new VersionedHelpProvider(config.Settings));
        config.ConfigureConsole(HelpConsole.Create(System.Console.Out, System.Console.IsOutputRedirected));
        config.PropagateExceptions();
        config.Settings.StrictParsing = true;
        config.AddCommand<RunCommand>("run")
            .WithDescription("Run a recipe: every stage whose inputs changed since the store last saw them.")
            .WithExample("run", "recipes/think-answer-tiny.yaml");
        config.AddCommand<PlanCommand>("plan")
            .WithDescription("Show each stage's key, whether it is cached, and which input changed since the last run.")
            .WithExample("plan", "recipes/think-answer-tiny.yaml")
            .WithExample("plan", "copy.yaml", "--against", "recipes/think-answer-tiny.lock");
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
        config.AddCommand<TokenizeCommand>("tokenize")
            .WithDescription("Encode text with a model's tokenizer (optionally with added tokens): one {\"text\", \"ids\"} JSON line per input.")
            .WithExample("tokenize", "--model", "models/Llama-3.2-1B-Instruct", "--add", "\"<think>\"", "--bos", "--text", "\"<think>hi</think>\"");
        config.AddBranch("template", template =>
        {
            template.SetDescription("Chat templates.");
            template.AddCommand<TemplateRenderCommand>("render").WithDescription("Render a chat template with a JSON context; prints exactly the rendered text.");
        });
        config.AddCommand<ScoreCommand>("score")
            .WithDescription("Per-token log-probabilities of a text or of token ids under a model (fp32).");
        config.AddCommand<GenerateCommand>("generate")
            .WithDescription("Continue a prompt with a model, streaming the text (greedy unless --temperature).")
            .WithExample("generate", "--model", "stories260K.gguf", "--prompt", "\"Once upon a time\"");
        config.AddBranch("bench", bench =>
        {
            bench.SetDescription("Benchmarks: one result line (or JSON with --json, and --out FILE).");
            bench.AddCommand<BenchTokenizeCommand>("tokenize").WithDescription("Tokenizer throughput on a JSONL file: rows/s and tokens/s on one thread.");
            bench.AddCommand<BenchForwardCommand>("forward").WithDescription("Model forward passes on random ids: tokens/s and peak RSS.");
            bench.AddCommand<BenchTrainCommand>("train").WithDescription("Training steps on random data (random weights for presets): tokens/s, step time, peak RSS, CUDA peak memory.");
        });
        config.AddCommand<DemoDataCommand>("demo-data")
            .WithDescription("Write the demo reasoning dataset (recipes/data/demo-reasoning.jsonl is --count 2000 --seed 7).");
        config.AddCommand<ChatCommand>("chat")
            .WithDescription("Chat with an exported model folder (one-shot with PROMPT), streaming the think and answer parts.")
            .WithExample("chat", "artifacts/export/think-answer-tiny", "\"Tom has 4 balls. He finds 3 more. How many balls does Tom have?\"");
        config.AddCommand<InitModelCommand>("init-model")
            .WithDescription("Write a small deterministic Hugging Face model folder (the embedded default's base model).")
            .WithExample("init-model", "--preset", "tiny", "--seed", "1", "--out", "recipes/models/tiny-llama");
        config.AddCommand<SchemaCommand>("schema")
            .WithDescription("Print the recipe JSON schema (recipes/recipe.schema.json is this output).");
    }
}
