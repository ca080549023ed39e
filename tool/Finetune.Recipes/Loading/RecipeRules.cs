using System.Text.RegularExpressions;

namespace Finetune.Recipes;

/// <summary>
/// Checks that need more than one value, or the file system, after binding: token lists, seed strategy
/// and overrides, chat messages, names, and paths relative to the recipe file.
/// </summary>
internal sealed partial class RecipeRules(Recipe recipe, RecipeBinder binder, DiagnosticBag bag)
{
    public void Check(RecipeLoadOptions options)
    {
        CheckName();
        CheckTokens();
        CheckSeed();
        CheckData();
        CheckLora();
        if (options.TemplateCheck is { } templateCheck)
            CheckMessageTemplates(templateCheck);
        CheckStrings("evaluate.prompts", recipe.Evaluate.Prompts);
        if (options.CheckPaths)
            CheckPaths(recipe, "");
    }

    /// <summary>Each <c>data.messages[].content</c> must parse as a template: found here, not at run time.</summary>
    private void CheckMessageTemplates(Func<string, TemplateSyntaxError?> parse)
    {
        if (recipe.Data.Messages is not { } messages || binder.Failed.Contains("data.messages"))
            return;
        for (var i = 0; i < messages.Count; i++)
        {
            var path = $"data.messages[{i}].content";
            if (!binder.Nodes.ContainsKey(path) || binder.Failed.Contains(path) || parse(messages[i].Content) is not { } error)
                continue;
            bag.Add(At(path), ErrorCodes.BadFormat, $"`{path}` is not a valid template: {error.Reason}",
                $"at line {error.Line}, column {error.Column} of the template");
        }
    }

    private void CheckName()
    {
        if (binder.Failed.Contains("name") || !binder.Nodes.ContainsKey("name") || NameSyntax().IsMatch(recipe.Name))
            return;
        bag.Add(At("name"), ErrorCodes.BadFormat, $"`name` must start with a letter or digit and contain only letters, digits, '.', '_' and '-', got `{recipe.Name}`");
    }

    private void CheckTokens()
    {
        CheckStrings("tokens.add", recipe.Tokens.Add);
        if (recipe.Tokens.PadToken is { } pad && string.IsNullOrWhiteSpace(pad))
            bag.Add(At("tokens.pad_token"), ErrorCodes.BadEntry, "`tokens.pad_token` is empty", "remove it to use the tokenizer's pad token");
    }

    private void CheckSeed()
    {
        var seed = recipe.Seed;
        var strategyKnown = !binder.Failed.Contains("seed.strategy") && !binder.Failed.Contains("seed.from");
        var everyTokenOverridden = recipe.Tokens.Add.Count > 0 && recipe.Tokens.Add.All(seed.Overrides.ContainsKey);
        if (strategyKnown && seed.Strategy == SeedStrategy.Copy && seed.From is null && !everyTokenOverridden)
            bag.Add(At("seed.strategy"), ErrorCodes.Conflict, "`seed.strategy: copy` needs `seed.from`",
                "name the existing token to copy, e.g. from: \"<|start_header_id|>\"");
        if (strategyKnown && seed.Strategy != SeedStrategy.Copy && seed.From is not null)
            bag.Add(At("seed.from"), ErrorCodes.Conflict,
                $"`seed.from` is only used by `seed.strategy: copy`, but the strategy is `{RecipeMember.EnumName(typeof(SeedStrategy), seed.Strategy)}`",
                "remove `from`, or use `seed.overrides` to copy rows for some tokens");
        if (seed.From is { } from && string.IsNullOrWhiteSpace(from))
            bag.Add(At("seed.from"), ErrorCodes.BadEntry, "`seed.from` is empty");
        if (!binder.Failed.Contains("tokens.add"))
        {
            foreach (var token in seed.Overrides.Keys.Where(t => !recipe.Tokens.Add.Contains(t, StringComparer.Ordinal)))
                bag.Add(KeyAt($"seed.overrides[{token}]"), ErrorCodes.Conflict, $"`seed.overrides` names `{token}`, which is not in `tokens.add`",
                    recipe.Tokens.Add.Count == 0 ? "tokens.add is empty" : "new tokens: " + string.Join(", ", recipe.Tokens.Add));
        }
        foreach (var token in seed.Overrides.Where(o => string.IsNullOrWhiteSpace(o.Value)).Select(o => o.Key))
            bag.Add(At($"seed.overrides[{token}]"), ErrorCodes.BadEntry, $"`seed.overrides[{token}]` is empty");
        if (binder.Nodes.ContainsKey("seed.rows") && !binder.Failed.Contains("seed.rows"))
        {
            if (seed.Rows.Count == 0)
                bag.Add(At("seed.rows"), ErrorCodes.BadEntry, "`seed.rows` is empty", "list input and/or output");
            CheckDuplicates("seed.rows", seed.Rows.Select(r => RecipeMember.EnumName(typeof(SeedMatrix), r)).ToList());
        }
    }

    private void CheckData()
    {
        var data = recipe.Data;
        foreach (var name in data.TemplateVars.Keys.Where(k => !IdentifierSyntax().IsMatch(k)))
            bag.Add(KeyAt($"data.template_vars[{name}]"), ErrorCodes.BadFormat,
                $"`data.template_vars` key `{name}` is not a template variable name", "use letters, digits and '_', not starting with a digit");
        if (data.Messages is not { } messages || binder.Failed.Contains("data.messages"))
            return;
        if (messages.Count == 0)
        {
            bag.Add(At("data.messages"), ErrorCodes.BadEntry, "`data.messages` is empty", "remove it when the rows have a `messages` column");
            return;
        }
        for (var i = 0; i < messages.Count; i++)
            if (binder.Nodes.ContainsKey($"data.messages[{i}].role") && string.IsNullOrWhiteSpace(messages[i].Role))
                bag.Add(At($"data.messages[{i}].role"), ErrorCodes.BadEntry, $"`data.messages[{i}].role` is empty");
        if (data.LossOn == LossOn.Assistant && !binder.Failed.Contains("data.loss_on") && messages.All(m => m.Role != "assistant"))
            bag.Add(At("data.messages"), ErrorCodes.Conflict, "`data.loss_on: assistant` needs a message with role `assistant` in `data.messages`",
                "add the assistant message or set loss_on: all");
    }

    private void CheckLora()
    {
        if (binder.Failed.Contains("train.method"))
            return;
        var lora = recipe.Train.Method == TrainMethod.Lora;
        if (!lora && binder.Nodes.ContainsKey("train.lora"))
            bag.Add(KeyAt("train.lora"), ErrorCodes.Conflict, "`train.lora` is only used by `train.method: lora`, but the method is `full`", "add `method: lora`, or remove `lora`");
        if (!lora && recipe.Export.Adapter)
            bag.Add(At("export.adapter"), ErrorCodes.Conflict, "`export.adapter: true` needs `train.method: lora` (full fine-tuning has no adapter)", "remove `adapter`, or train with `method: lora`");
        if (lora && recipe.Train.FreezeNewRowsSteps > 0)
            bag.Add(At("train.freeze_new_rows_steps"), ErrorCodes.Conflict, "`train.freeze_new_rows_steps` needs `train.method: full`: with LoRA the base stays frozen and the new rows train from the first step",
                "remove it, or use `lora.new_rows: frozen` to keep the seeded rows");
        if (binder.Nodes.ContainsKey("train.lora.targets") && !binder.Failed.Contains("train.lora.targets"))
        {
            if (recipe.Train.Lora.Targets.Count == 0)
                bag.Add(At("train.lora.targets"), ErrorCodes.BadEntry, "`train.lora.targets` is empty", "list projections, or all-linear");
            CheckDuplicates("train.lora.targets", recipe.Train.Lora.Targets.Select(t => RecipeMember.EnumName(typeof(LoraTarget), t)).ToList());
        }
    }

    /// <summary>Entries of a string list must be non-blank and distinct.</summary>
    private void CheckStrings(string path, IReadOnlyList<string> values)
    {
        if (binder.Failed.Contains(path))
            return;
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i].Length == 0)
                bag.Add(At($"{path}[{i}]"), ErrorCodes.BadEntry, $"`{path}[{i}]` is empty");
            else if (string.IsNullOrWhiteSpace(values[i]))
                bag.Add(At($"{path}[{i}]"), ErrorCodes.BadEntry, $"`{path}[{i}]` is only whitespace");
        }
        CheckDuplicates(path, values);
    }

    private void CheckDuplicates(string path, IReadOnlyList<string> values)
    {
        var first = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < values.Count; i++)
        {
            if (first.TryAdd(values[i], i))
                continue;
            var earlier = At($"{path}[{first[values[i]]}]");
            bag.Add(At($"{path}[{i}]"), ErrorCodes.BadEntry, $"`{path}[{i}]` repeats `{values[i]}`",
                $"first given at line {earlier.Line}, column {earlier.Column}");
        }
    }

    /// <summary>Every key marked <see cref="RecipePathAttribute"/> must name an existing file or folder.</summary>
    private void CheckPaths(object record, string path)
    {
        foreach (var member in RecipeMember.Of(record.GetType()))
        {
            var memberPath = path.Length == 0 ? member.Key : $"{path}.{member.Key}";
            var value = member.Property.GetValue(record);
            if (member.Type.Kind == RecipeTypeKind.Record && value != null)
                CheckPaths(value, memberPath);
            if (member.PathRule is not { } rule || value is not string relative || relative == rule.Except
                || binder.Failed.Contains(memberPath) || !binder.Nodes.ContainsKey(memberPath))
                continue;
            var full = recipe.ResolvePath(relative);
            if (PathProblems.Describe(full) is { } problem)
                bag.Add(At(memberPath), ErrorCodes.MissingPath, $"`{memberPath}` {problem}: {relative}", $"expected {rule.What}");
            else if (!File.Exists(full) && !Directory.Exists(full))
                bag.Add(At(memberPath), ErrorCodes.MissingPath, $"`{memberPath}` does not exist: {relative}",
                    $"resolved to {full}; paths are relative to the recipe file{(rule.Needs is null ? "" : $"; it needs {rule.Needs}")}");
            else if (Directory.Exists(full) && !rule.AllowFolder)
                bag.Add(At(memberPath), ErrorCodes.MissingPath, $"`{memberPath}` is a folder, not a file: {relative}", $"expected {rule.What}");
            else if (File.Exists(full) && rule.FileExtensions is { } extensions
                && !extensions.Split(' ').Contains(Path.GetExtension(full), StringComparer.OrdinalIgnoreCase))
                bag.Add(At(memberPath), ErrorCodes.MissingPath,
                    rule.AllowFolder && rule.FileExtensions == ".gguf"
                        ? $"`{memberPath}` is a file, not a model folder: {relative}"
                        : $"`{memberPath}` has an unsupported file type '{Path.GetExtension(full)}': {relative}",
                    $"expected {rule.What}");
        }
    }

    /// <summary>The value node written for <paramref name="path"/>, else the nearest written parent key, else the file start.</summary>
    private YamlNode At(string path)
    {
        if (binder.Nodes.TryGetValue(path, out var located))
            return located.Value;
        return KeyAt(path);
    }

    private YamlNode KeyAt(string path)
    {
        for (var p = path; p.Length > 0; p = Parent(p))
            if (binder.Nodes.TryGetValue(p, out var located))
                return located.Key;
        return new YamlScalar("", true, 1, 1);
    }

    private static string Parent(string path)
    {
        var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut < 0 ? "" : path[..cut];
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex NameSyntax();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex IdentifierSyntax();
}
