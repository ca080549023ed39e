using Finetune.Recipes;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Finetune.Tasks;

/// <summary>
/// Validates recipe files in process (no TorchSharp here) and reports every error as a real MSBuild
/// error at its file, line and column, so <c>dotnet build</c> fails with <c>file(line,col): error FT0xx</c>.
/// <see cref="CheckPaths"/> <c>false</c> (the <c>FinetuneRecipeCheckPaths</c> property) skips path existence
/// (recipes for another machine); item metadata <c>CheckPaths</c> overrides it per recipe.
/// </summary>
public sealed class ValidateRecipes : Microsoft.Build.Utilities.Task
{
    [Required]
    public ITaskItem[] Recipes { get; set; } = [];

    /// <summary>Whether model, data and template paths must exist, for items without <c>CheckPaths</c> metadata.</summary>
    public bool CheckPaths { get; set; } = true;

    public override bool Execute()
    {
        foreach (var item in Recipes)
        {
            var path = item.GetMetadata("FullPath");
            var metadata = item.GetMetadata("CheckPaths");
            bool checkPaths = metadata.Length == 0 ? CheckPaths : !string.Equals(metadata, "false", StringComparison.OrdinalIgnoreCase);
            var result = RecipeLoader.TryLoad(path, new RecipeLoadOptions { CheckPaths = checkPaths });
            foreach (var d in result.Diagnostics)
            {
                var message = d.Hint is null ? d.Message : $"{d.Message} ({d.Hint})";
                Log.LogError(subcategory: null, errorCode: d.Code, helpKeyword: null, file: d.File,
                    lineNumber: d.Line, columnNumber: d.Column, endLineNumber: 0, endColumnNumber: 0, message: message);
            }
            if (result.Success) Log.LogMessage(MessageImportance.Normal, "{0}: recipe ok", path);
        }
        return !Log.HasLoggedErrors;
    }
}
