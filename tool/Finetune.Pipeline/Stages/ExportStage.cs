using System.Text.Json.Nodes;
using Finetune.Pipeline.Export;
using Finetune.Pipeline.Planning;
using Finetune.Pipeline.Publishing;
using Finetune.Recipes;
using Finetune.Text.Tokenizers;
using Finetune.Torch.IO;
using Finetune.Torch.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Finetune.Pipeline.Stages;

/// <summary>
/// Reads <c>export:</c>: a Hugging Face folder (config with the new vocab_size, weights in the export
/// dtype — tied weights once, sharded above <c>max_shard_size</c> — tokenizer files with the added tokens
/// and chat template, special_tokens_map, generation_config with every end id). After writing, the folder
/// is loaded back with our own loader and its logits on the probe prompt must equal the trained model's.
/// </summary>
public sealed class ExportStage(ExportInput input) : Stage<ExportInput>(input), IPublishingStage
{
    public const string ModelFolder = "model";
    public const string ParityFile = "parity.json";

    /// <summary>Largest |logit difference| accepted between the trained model (in the export dtype) and the reloaded folder.</summary>
    public const double ParityTolerance = 1e-4;

    public override string Name => "export";

    public override int Version => 1;

    public override IReadOnlyList<string> Upstream => ["tokenize", "resize", "train"];

    protected override void Run(ExportInput input, StageRun run)
    {
        if (input.Format != ExportFormat.Hf)
            throw new PipelineException($"{input.RecipePath}: export.format {Spelling(input.Format)} is not supported yet (hf is)");
        var plan = ResizePlan.Read(run.UpstreamDir("resize"));
        var tokenizerFolder = Path.Combine(run.UpstreamDir("tokenize"), TokenizeStage.TokenizerFolder);
        var tokenizer = HfTokenizer.FromFolder(tokenizerFolder);
        var folder = Path.Combine(run.OutputDir, ModelFolder);
        Directory.CreateDirectory(folder);
        var dtype = input.Dtype switch
        {
            ModelDtype.Fp32 => ScalarType.Float32,
            ModelDtype.F16 => ScalarType.Float16,
            _ => ScalarType.BFloat16,
        };

        using var trained = CausalLM.Load(Path.Combine(run.UpstreamDir("train"), TrainStage.ModelFolder), ScalarType.Float32);
        var gguf = input.GgufType is { } ggufType ? new GgufExport(ggufType, input.GgufName ?? "model", input.RecipePath) : null;
        gguf?.Check(trained.Config, tokenizerFolder);
        WriteWeights(trained, folder, dtype, input.MaxShardSize.Bytes);
        WriteConfig(trained.Config, folder, dtype, tokenizer);
        WriteTokenizer(tokenizer, tokenizerFolder, folder, input.TemplateFile);
        SlowTokenizerFiles.Write(folder, ModelFiles.IsGguf(input.ModelPath) ? null : input.ModelPath);
        WriteGenerationConfig(input.ModelPath, folder, tokenizer);
        CheckTokenizerParity(tokenizer, folder, input.ParityPrompt);
        if (input.Adapter) AdapterExport.Write(input.RecipePath, run.UpstreamDir("train"), folder);
        var ggufParity = gguf?.Write(trained, folder, tokenizer, new ChatPrompt(input.TemplateFile, input.TemplateVars, tokenizer, tokenizerFolder).User(input.ParityPrompt));

        var parity = CheckParity(input, trained, folder, dtype, plan, tokenizer, tokenizerFolder);
        if (ggufParity is not null) parity["gguf"] = ggufParity;
        File.WriteAllText(Path.Combine(run.OutputDir, ParityFile), parity.ToJsonString(Indented));
        run.Report($"exported a Hugging Face folder ({Spelling(input.Dtype)}); reload parity: max |logit diff| {(double)parity["max_abs_logit_diff"]!:g3}");
        if (ggufParity is not null)
            run.Report($"wrote {ggufParity["file"]}; reload parity: same token ids, max |logit diff| {(double)ggufParity["max_abs_logit_diff"]!:g3}");
    }

    public void Publish(string entryDir, StagePlan plan, string storeRoot, IPipelineObserver observer, CancellationToken cancellation = default)
    {
        if (Input.PublishPath is not { } destination) return;
        var marker = new PublishMarker(Name, plan.Key, plan.Inputs.Upstream, []);
        Publisher.PublishCopy(Path.Combine(entryDir, ModelFolder), destination, marker, [.. Input.PublishGuard, PublishGuard.Store(storeRoot)], cancellation);
        observer.Message(Name, $"published {destination}");
    }

    private static void WriteWeights(CausalLM model, string folder, ScalarType dtype, long maxShardBytes)
    {
        using var scope = NewDisposeScope();
        // StateNames lists a tied embedding once, under model.embed_tokens.weight, as transformers saves it.
        var tensors = model.StateNames().Select(kv => new KeyValuePair<string, Tensor>(kv.Key, kv.Value.detach().to(dtype))).ToList();
        long bytes = tensors.Sum(t => t.Value.NumberOfElements * t.Value.ElementSize);
        if (bytes > maxShardBytes)
            SafetensorsWriter.WriteSharded(folder, tensors, maxShardBytes);
        else
            SafetensorsWriter.Write(Path.Combine(folder, Checkpoint.SingleFileName), tensors);
    }

    private static void WriteConfig(ModelConfig config, string folder, ScalarType dtype, HfTokenizer tokenizer)
    {
        var written = config.WithDtype(dtype);
        if (tokenizer.PadId is int pad) written = written with { PadTokenId = pad };
        written.Save(Path.Combine(folder, "config.json"));
    }

    /// <summary>tokenizer.json and tokenizer_config.json as the tokenize stage wrote them, with the recipe's chat template.</summary>
    private static void WriteTokenizer(HfTokenizer tokenizer, string tokenizerFolder, string folder, string? templateFile)
    {
        File.Copy(Path.Combine(tokenizerFolder, "tokenizer.json"), Path.Combine(folder, "tokenizer.json"));
        var configPath = Path.Combine(tokenizerFolder, "tokenizer_config.json");
        var config = File.Exists(configPath) ? JsonNode.Parse(File.ReadAllText(configPath))!.AsObject() : new JsonObject();
        if (templateFile != null)
            config["chat_template"] = File.ReadAllText(templateFile);
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), config.ToJsonString(Indented) + "\n");
        var map = new JsonObject();
        if (tokenizer.BosToken is { } bos) map["bos_token"] = bos;
        if (tokenizer.EosToken is { } eos) map["eos_token"] = eos;
        if (tokenizer.PadToken is { } pad) map["pad_token"] = pad;
        File.WriteAllText(Path.Combine(folder, "special_tokens_map.json"), map.ToJsonString(Indented) + "\n");
    }

    /// <summary>
    /// The base generation_config.json (if any) with every end id: the model's in their order, then the tokenizer's and
    /// <c>&lt;|eot_id|&gt;</c>; keys sorted, as <c>GenerationConfig.save_pretrained</c> writes them.
    /// </summary>
    private static void WriteGenerationConfig(string modelPath, string folder, HfTokenizer tokenizer)
    {
        var basePath = ModelFiles.IsGguf(modelPath) ? null : Path.Combine(modelPath, "generation_config.json");
        var config = basePath != null && File.Exists(basePath) ? JsonNode.Parse(File.ReadAllText(basePath))!.AsObject() : new JsonObject();
        var eos = new List<int>();
        switch (config["eos_token_id"])
        {
            case JsonArray list: eos.AddRange(list.Select(id => (int)id!)); break;
            case JsonValue one: eos.Add((int)one); break;
        }
        foreach (var id in tokenizer.EosIds.Append(tokenizer.TokenToId("<|eot_id|>") ?? -1))
            if (id >= 0 && !eos.Contains(id)) eos.Add(id);
        config["eos_token_id"] = eos.Count == 1 ? eos[0] : new JsonArray(eos.Select(i => (JsonNode)i).ToArray());
        if (tokenizer.BosId is int bosId) config["bos_token_id"] = bosId;
        if (tokenizer.PadId is int padId) config["pad_token_id"] = padId;
        var sorted = new JsonObject();
        foreach (var (key, value) in config.OrderBy(p => p.Key, StringComparer.Ordinal).ToList())
        {
            config.Remove(key);
            sorted[key] = value;
        }
        File.WriteAllText(Path.Combine(folder, "generation_config.json"), sorted.ToJsonString(Indented) + "\n");
    }

    /// <summary>The exported tokenizer files must reload to the same ids as the stage's tokenizer (added tokens included).</summary>
    private static void CheckTokenizerParity(HfTokenizer tokenizer, string folder, string prompt)
    {
        var reloaded = HfTokenizer.FromFolder(folder);
        var text = string.Concat(tokenizer.AddedTokens.TakeLast(8).Select(t => t.Content)) + " " + prompt;
        if (!reloaded.Encode(text, addBos: true).SequenceEqual(tokenizer.Encode(text, addBos: true)) || reloaded.VocabSize != tokenizer.VocabSize)
            throw new PipelineException($"export parity failed: the exported tokenizer files encode \"{text}\" differently from the stage's tokenizer");
    }

    /// <summary>Reloads the written folder and compares logits with the trained model (cast to the export dtype) on the probe.</summary>
    private static JsonObject CheckParity(ExportInput export, CausalLM trained, string folder, ScalarType dtype, ResizePlan plan, HfTokenizer tokenizer, string tokenizerFolder)
    {
        var (_, ids) = new ChatPrompt(export.TemplateFile, export.TemplateVars, tokenizer, tokenizerFolder).User(export.ParityPrompt);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        // float16 weights compute in float32 (round the trained weights through float16 to compare like with like).
        var compute = dtype == ScalarType.Float16 ? ScalarType.Float32 : dtype;
        using var reloaded = CausalLM.Load(folder, compute);
        trained.to(dtype);
        trained.to(compute);
        var input = tensor(ids.Select(i => (long)i).ToArray()).unsqueeze(0);
        var expected = trained.forward(input).to(ScalarType.Float32);
        var actual = reloaded.forward(input).to(ScalarType.Float32);
        var diff = (expected - actual).abs().max().item<float>();
        if (!(diff <= ParityTolerance))
            throw new PipelineException($"export parity failed: the reloaded folder's logits differ from the trained model's by {diff:g3} (tolerance {ParityTolerance:g1})");
        return new JsonObject
        {
            ["prompt_ids"] = new JsonArray(ids.Select(i => (JsonNode)i).ToArray()),
            ["dtype"] = dtype.ToString(),
            ["max_abs_logit_diff"] = (double)diff,
            ["tolerance"] = ParityTolerance,
            ["rows"] = plan.NewRows,
            ["vocab_size"] = plan.VocabSize,
        };
    }
}
