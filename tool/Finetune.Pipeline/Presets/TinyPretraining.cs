using Finetune.Pipeline.Data;
using Finetune.Pipeline.Mapping;
using Finetune.Pipeline.Stages;
using Finetune.Recipes;
using Finetune.Text.Templates;
using Finetune.Text.Tokenizers;
using Finetune.Torch.Models;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Loop;
using static TorchSharp.torch;

namespace Finetune.Pipeline.Presets;

/// <summary>
/// Teaches the tiny model the chat format before anyone fine-tunes it, so it behaves like the small
/// instruct model the original job starts from: after a user turn's <c>&lt;|eot_id|&gt;</c> it predicts
/// <c>&lt;|start_header_id|&gt;</c>, writes the assistant header and answers in plain words.
/// <para>
/// The corpus is <see cref="Rows"/> demo problems drawn with <see cref="CorpusSeed"/> (not the shipped
/// data's seed 7, so the default recipe's test questions are not the pretraining text), each rendered
/// through the model's chat template as a user question and an assistant reply that is the reasoning alone,
/// without think/answer tags. The loss is on every token but the first. Training is the fine-tuning
/// trainer (<see cref="SftTrainer"/>) with the settings below, on one CPU thread: reductions then run in one
/// fixed order, so the same seed writes the same bytes whatever the machine's core count.
/// </para>
/// </summary>
public static class TinyPretraining
{
    public const int CorpusSeed = 11;
    public const int Rows = 6000;

    /// <summary>The trainer settings; <paramref name="maxSteps"/> stops early (the reproduction test's shorter check).</summary>
    public static TrainerOptions Options(int seed, int padId, int? maxSteps) => new()
    {
        Epochs = 1,
        MaxSteps = maxSteps,
        BatchSize = 16,
        GradientAccumulation = 1,
        LearningRate = 3e-3,
        WarmupRatio = 0.05,
        Schedule = ScheduleKind.Cosine,
        WeightDecay = 0.0,
        MaxSeqLength = 256,
        EvalEvery = int.MaxValue,
        LogEvery = 25,
        Save = SavePolicy.End,
        Seed = (ulong)seed,
        PadId = padId,
        Optimizer = Torch.Training.Optimizers.OptimizerKind.AdamW,
        Beta1 = 0.9,
        Beta2 = 0.999,
        Eps = 1e-8,
        MaxGradNorm = 1.0,
        Packing = false,
        GroupByLength = true,
        Checkpointing = false,
        FreezeNewRowsSteps = 0,
        FirstNewRow = 0,
        RealVocabSize = null,
        DType = ScalarType.Float32,
        MasterWeights = true,
        Device = "cpu",
    };

    /// <summary>The demo conversations as the chat template renders them, one row per conversation (ids, all-but-first loss mask).</summary>
    public static IReadOnlyList<TokenizedConversation> Corpus(string folder)
    {
        var tokenizer = HfTokenizer.FromFolder(folder);
        var conversations = new ConversationTokenizer(tokenizer, ChatTemplate.LoadFromModel(folder), new Dictionary<string, string>(), LossOn.All);
        return DemoDataGenerator.Generate(Rows, CorpusSeed)
            .Select(e => conversations.Tokenize([new ChatMessage("user", e.Instruction), new ChatMessage("assistant", e.Reasoning)]))
            .ToList();
    }

    /// <summary>Trains <paramref name="model"/> in place on <see cref="Corpus"/>; returns the trainer's result (Ctrl-C: <paramref name="cancellation"/>).</summary>
    public static TrainingResult Run(CausalLM model, string folder, int seed, int? maxSteps, Action<string> report, CancellationToken cancellation = default)
    {
        var corpus = Corpus(folder);
        var padId = HfTokenizer.FromFolder(folder).PadId ?? 0;
        var work = Path.Combine(Path.GetTempPath(), $"finetune-pretrain-{Environment.ProcessId}-{Guid.NewGuid():N}");
        int threads = get_num_threads();
        try
        {
            set_num_threads(1);
            var prefix = Path.Combine(work, "corpus");
            using (var writer = new TokenShardWriter(prefix))
                foreach (var row in corpus) writer.Append(row.Ids, row.Mask);
            using var shard = TokenShard.Open(prefix);
            using var trainer = new SftTrainer(model, shard, null, Options(seed, padId, maxSteps), Path.Combine(work, "train"));
            report($"pretraining on {shard.RowCount} chat-formatted demo conversations ({shard.TokenCount} tokens): {trainer.TotalSteps} steps");
            var result = trainer.Train(new Progress(report), cancellation);
            report($"pretrained {result.Steps} steps: loss {result.LastLoss:0.0000}");
            return result;
        }
        finally
        {
            set_num_threads(threads);
            if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        }
    }

    private sealed class Progress(Action<string> report) : IProgress<TrainerProgress>
    {
        public void Report(TrainerProgress p)
        {
            // The logged steps (log_every 25 and the last), in the train stage's format with this step's loss.
            if (p.Logged)
                report(new StageProgress(p.Step, p.TotalSteps, "step", TrainStage.Detail(p.Loss, p.LearningRate, p.TokensPerSecond), null, true).Line());
        }
    }
}
