namespace Finetune.Recipes.Tests;

/// <summary>
/// Paths that exist but cannot be used are refused by validate, each saying what it is: a model path that is a
/// file, a data path that is a device or a symbolic link loop, a chat template that is a folder; and a
/// message template that does not parse is reported at its recipe line.
/// </summary>
public sealed class RecipePathProblemTests
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ft-paths").FullName;

    private IReadOnlyList<string> Errors(string yaml, RecipeLoadOptions? options = null)
    {
        var path = Path.Combine(_dir, "r.yaml");
        File.WriteAllText(path, yaml);
        return RecipeLoader.TryLoad(path, options ?? new RecipeLoadOptions { TemplateCheck = null })
            .Diagnostics.Select(d => d.ToString().Replace(_dir + "/", "")).ToList();
    }

    private string ModelFolder()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "m"));
        return "m";
    }

    [Fact]
    public void Model_path_that_is_a_plain_file_says_it_is_a_file()
    {
        File.WriteAllText(Path.Combine(_dir, "passwd"), "root:x:0:0");
        var errors = Errors("name: t\nmodel: { path: passwd }\n");
        Assert.Equal(["r.yaml:2:16: error FT008: `model.path` is a file, not a model folder: passwd (expected a Hugging Face model folder or a .gguf file)"], errors);
    }

    [Fact]
    public void Data_path_that_is_a_device_is_refused_before_anything_reads_it()
    {
        var errors = Errors($"name: t\nmodel: {{ path: {ModelFolder()} }}\ndata:\n  path: /dev/zero\n");
        Assert.Equal(["r.yaml:4:9: error FT008: `data.path` is not a regular file (a device, pipe or socket); give a file or a folder: /dev/zero (expected a .jsonl, .ndjson, .json, .csv or .parquet file, or a folder of them)"], errors);
    }

    [Fact]
    public void Data_path_in_a_symbolic_link_loop_is_named_a_loop()
    {
        File.CreateSymbolicLink(Path.Combine(_dir, "a.jsonl"), Path.Combine(_dir, "b.jsonl"));
        File.CreateSymbolicLink(Path.Combine(_dir, "b.jsonl"), Path.Combine(_dir, "a.jsonl"));
        var errors = Errors($"name: t\nmodel: {{ path: {ModelFolder()} }}\ndata:\n  path: a.jsonl\n");
        Assert.Equal(["r.yaml:4:9: error FT008: `data.path` is a symbolic link loop (following it never reaches a file): a.jsonl (expected a .jsonl, .ndjson, .json, .csv or .parquet file, or a folder of them)"], errors);
    }

    [Fact]
    public void Data_file_with_an_unknown_extension_is_refused_at_validate()
    {
        File.WriteAllText(Path.Combine(_dir, "rows.txt"), "x");
        var errors = Errors($"name: t\nmodel: {{ path: {ModelFolder()} }}\ndata:\n  path: rows.txt\n");
        Assert.Equal(["r.yaml:4:9: error FT008: `data.path` has an unsupported file type '.txt': rows.txt (expected a .jsonl, .ndjson, .json, .csv or .parquet file, or a folder of them)"], errors);
    }

    [Fact]
    public void Chat_template_that_is_a_folder_is_refused()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "tpl"));
        File.WriteAllText(Path.Combine(_dir, "rows.jsonl"), "{}\n");
        var errors = Errors($"name: t\nmodel: {{ path: {ModelFolder()} }}\ndata:\n  path: rows.jsonl\n  chat_template: tpl\n");
        Assert.Equal(["r.yaml:5:18: error FT008: `data.chat_template` is a folder, not a file: tpl (expected a .jinja template file)"], errors);
    }

    [Fact]
    public void Message_template_syntax_errors_are_reported_at_the_recipe_line()
    {
        // The checker stands in for the template engine (the CLI registers the real one).
        static TemplateSyntaxError? Check(string template) =>
            template.Contains("{{") && !template.Contains("}}") ? new TemplateSyntaxError("expected '}}'", 1, template.Length + 1) : null;
        var yaml = "name: t\nmodel: { path: m }\ndata:\n  path: d.jsonl\n  messages:\n    - { role: user, content: \"{{ q }}\" }\n    - { role: assistant, content: \"{{ a\" }\n";
        var errors = Errors(yaml, new RecipeLoadOptions { CheckPaths = false, TemplateCheck = Check });
        Assert.Equal(["r.yaml:7:35: error FT012: `data.messages[1].content` is not a valid template: expected '}}' (at line 1, column 5 of the template)"], errors);
    }
}
