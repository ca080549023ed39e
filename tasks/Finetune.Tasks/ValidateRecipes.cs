using Finetune.Recipes;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Finetune.Tasks;

/// <summary>
/// Validates recipe files in process (no TorchSharp here) and reports every error as a real MSBuild
/// error at its file, line and column, so <c>dotnet build</c> fails with <c>file(line,col): error FT0xx</c>.
/// Item metadata <c>CheckPaths="false"</c> skips path existence (recipes for another machine).
/// </summary>
public sealed class ValidateRecipes : Microsoft.Build.Utilities.Task
{
    [Required]
    public ITaskItem[] Recipes { get; set; } = [];

    public override bool Execute()
    {
        foreach (var item in Recipes)
        {
            var path = item.GetMetadata("FullPath");
            bool checkPaths = !string.Equals(item.GetMetadata("CheckPaths"), "false", StringComparison.OrdinalIgnoreCase);
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
