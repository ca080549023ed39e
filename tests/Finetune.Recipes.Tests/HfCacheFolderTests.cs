using Finetune.Testing;

namespace Finetune.Recipes.Tests;

/// <summary>A recipe pointing at what the HF CLI downloaded: the cache's models--ORG--NAME folder or a snapshot in it.</summary>
public sealed class HfCacheFolderTests
{
    /// <summary>The layout `hf download` leaves in the cache (files as plain files here; links in a real cache).</summary>
    private static string Cache(string root, params string[] hashes)
    {
        var repo = Directory.CreateDirectory(Path.Combine(root, "models--meta-llama--Llama-3.2-1B-Instruct")).FullName;
        foreach (var hash in hashes)
            File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.Combine(repo, "snapshots", hash)).FullName, "config.json"), "{}");
        Directory.CreateDirectory(Path.Combine(repo, "blobs"));
        return repo;
    }

    [Fact]
    public void A_cache_folder_stands_for_the_snapshot_refs_main_names()
    {
        var root = TestPaths.NewTempDir();
        var repo = Cache(root, "aaa111", "bbb222");
        File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.Combine(repo, "refs")).FullName, "main"), "bbb222");
        var recipe = new Recipe { BaseDirectory = root };
        Assert.Equal(Path.Combine(repo, "snapshots", "bbb222"), recipe.ResolvePath("models--meta-llama--Llama-3.2-1B-Instruct"));
    }

    [Fact]
    public void Without_refs_the_only_snapshot_is_taken_and_a_snapshot_path_is_kept()
    {
        var root = TestPaths.NewTempDir();
        var repo = Cache(root, "ccc333");
        var recipe = new Recipe { BaseDirectory = root };
        Assert.Equal(Path.Combine(repo, "snapshots", "ccc333"), recipe.ResolvePath("models--meta-llama--Llama-3.2-1B-Instruct"));
        var snapshot = Path.Combine("models--meta-llama--Llama-3.2-1B-Instruct", "snapshots", "ccc333");
        Assert.Equal(Path.Combine(root, snapshot), recipe.ResolvePath(snapshot));
    }

    [Fact]
    public void Two_snapshots_and_no_refs_leave_the_folder_as_given()
    {
        var root = TestPaths.NewTempDir();
        var repo = Cache(root, "a", "b");
        Assert.Equal(repo, new Recipe { BaseDirectory = root }.ResolvePath("models--meta-llama--Llama-3.2-1B-Instruct"));
    }

    [Fact]
    public void Missing_model_and_data_paths_say_what_files_are_needed()
    {
        var yaml = RecipeText.Minimal + "data:\n  path: nowhere.jsonl\n  messages:\n    - { role: user, content: \"{{ q }}\" }\n    - { role: assistant, content: \"{{ a }}\" }\n";
        var errors = RecipeText.Errors(yaml, checkPaths: true);
        Assert.Contains(errors, e => e.Contains("`model.path` does not exist: m") && e.Contains("config.json, model.safetensors")
            && e.Contains("tokenizer.json and tokenizer_config.json") && e.Contains("snapshots/<hash>"));
        Assert.Contains(errors, e => e.Contains("`data.path` does not exist: nowhere.jsonl") && e.Contains(".jsonl, .json, .csv or .parquet")
            && e.Contains("data/*.parquet"));
    }
}
