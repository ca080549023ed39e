using Finetune.Torch.Training.Lora;

namespace Finetune.Pipeline.Stages;

/// <summary>
/// <c>export.adapter: true</c>: the export folder gets <c>adapter/</c> — the train stage's PEFT adapter
/// (adapter_config.json, adapter_model.safetensors) and, beside it, the tokenizer files of the export, so
/// <c>AutoTokenizer</c> and <c>PeftModel.from_pretrained</c> both load from that one folder after the base is
/// resized to <c>len(tokenizer)</c>.
/// </summary>
internal static class AdapterExport
{
    public const string Folder = "adapter";

    private static readonly string[] TokenizerFiles = ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"];

    /// <param name="exportFolder">the export's model folder, tokenizer files already written</param>
    public static void Write(string recipePath, string trainDir, string exportFolder)
    {
        var source = Path.Combine(trainDir, TrainStage.AdapterFolder);
        if (!File.Exists(Path.Combine(source, PeftAdapter.ConfigFile)))
            throw new PipelineException($"{recipePath}: export.adapter is true but the train stage wrote no adapter (train.method is not lora)");
        var target = Path.Combine(exportFolder, Folder);
        Directory.CreateDirectory(target);
        foreach (var name in new[] { PeftAdapter.ConfigFile, PeftAdapter.WeightsFile })
            File.Copy(Path.Combine(source, name), Path.Combine(target, name));
        foreach (var name in TokenizerFiles.Where(n => File.Exists(Path.Combine(exportFolder, n))))
            File.Copy(Path.Combine(exportFolder, name), Path.Combine(target, name));
    }
}
