using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Finetune.Text.Templates;
using Spectre.Console.Cli;

namespace Finetune.Tool.Commands;

/// <summary>
/// <c>dotnet finetune template render (--model PATH | --template FILE) --context FILE.json [--now YYYY-MM-DD]</c>:
/// exactly the rendered text on stdout (UTF-8, nothing added).
/// </summary>
public sealed class TemplateRenderCommand : Command<TemplateRenderCommand.Settings>
{
    public sealed class Settings : GlobalSettings
    {
        [CommandOption("--model <PATH>")]
        [Description("Use this model's chat template (folder: chat_template.jinja or tokenizer_config.json; or a .gguf file).")]
        public string? Model { get; init; }

        [CommandOption("--template <FILE>")]
        [Description("Use this Jinja template file.")]
        public string? Template { get; init; }

        [CommandOption("--context <FILE>")]
        [Description("A JSON object: messages, add_generation_prompt, bos_token, eos_token, tools, date_string, any other variable.")]
        public string? Context { get; init; }

        [CommandOption("--now <DATE>")]
        [Description("The date strftime_now formats (YYYY-MM-DD, midnight); default: the current local time.")]
        public string? Now { get; init; }

        public override Spectre.Console.ValidationResult Validate()
        {
            if ((Model is null) == (Template is null))
                return Spectre.Console.ValidationResult.Error("give exactly one of --model and --template");
            if (Context is null)
                return Spectre.Console.ValidationResult.Error("--context FILE.json is required");
            return Spectre.Console.ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        DateTimeOffset? now = settings.Now is { } date ? ParseDate(date) : null;
        var template = settings.Template is { } file
            ? (File.Exists(file) ? ChatTemplate.Load(file) : throw new UserInputException($"{file}: template file not found"))
            : ModelPaths.ChatTemplate(ModelPaths.Require(settings.Model));
        var variables = ReadContext(settings.Context!);
        variables.Now = now;
        variables.Cancellation = cancellation;
        var text = template.Render(variables).Text;
        using var output = StandardOutput.Open();
        output.Write(text);
        return CliApp.Ok;
    }

    private static TemplateContext ReadContext(string path)
    {
        if (!File.Exists(path)) throw new UserInputException($"{path}: context file not found");
        try
        {
            return TemplateContext.FromJson(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{path}: not valid JSON ({e.Message.Split(" Path:")[0].TrimEnd('.')})");
        }
        catch (ArgumentException)
        {
            throw new UserInputException($"{path}: the context must be a JSON object");
        }
    }

    private static DateTimeOffset ParseDate(string text) =>
        DateTime.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? new DateTimeOffset(date, TimeSpan.Zero)
            : throw new UserInputException($"--now {text}: expected a date as YYYY-MM-DD");
}
