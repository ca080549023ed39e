using System.Diagnostics;
using Finetune.Torch.IO;
using Finetune.Torch.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Lora;

namespace Finetune.Torch.Training.Loop;

/// <summary>
/// Full supervised fine-tuning of a <see cref="CausalLM"/> on a <see cref="TokenShard"/>. Each step:
/// set the lr from the schedule, run the effective batch's micro-batches (loss = summed token losses over
/// the whole effective batch / its loss-token count), stop on a non-finite loss or gradient norm, clip,
/// step, then log, evaluate and checkpoint as the options say. Writes <c>metrics.jsonl</c> and
/// <c>checkpoints/</c> into the work folder; <see cref="Resume"/> continues from the latest checkpoint
/// with bit-identical results on CPU. With a <see cref="LoraAdapter"/> the optimizer trains only the adapter's
/// tensors (the base is frozen) and checkpoints hold only those.
/// </summary>
public sealed class SftTrainer : IDisposable
{
    private readonly CausalLM model;
    private readonly TokenShard train;
    private readonly TokenShard? eval;
    private readonly TrainerOptions options;
    private readonly string workDir;
    private readonly Device device;
    private readonly List<(string Name, Parameter P)> parameters;   // what the optimizer trains: the model's, or fp32 masters
    private readonly MasterWeights? masters;
    private readonly LoraAdapter? adapter;
    private readonly ITrainingOptimizer optimizer;
    private readonly int[] lengths;
    private readonly LrSchedule schedule;
    private readonly MetricsLog metrics;
    private DataCursor cursor;
    private double elapsedBefore;
    private bool resumed;

    /// <param name="adapter">LoRA attached to <paramref name="model"/>: only its tensors train; null = full fine-tuning</param>
    public SftTrainer(CausalLM model, TokenShard train, TokenShard? eval, TrainerOptions options, string workDir, LoraAdapter? adapter = null)
    {
        options.Validate();
        var first = model.parameters().First();
        if (model.DType != options.DType)
            throw new ArgumentException($"the model is {model.DType} but the options ask for {options.DType}", nameof(options));
        if (first.device.ToString() != torch.device(options.Device).ToString())
            throw new ArgumentException($"the model is on {first.device} but the options ask for {options.Device}", nameof(options));
        lengths = Enumerable.Range(0, train.RowCount).Select(train.RowLength).ToArray();
        int maxLength = options.MaxSeqLength ?? int.MaxValue;
        int tooLong = Array.FindIndex(lengths, l => l > maxLength);
        if (tooLong >= 0)
            throw new TokenShardException(TokenShard.OffsetsPath(train.Prefix), $"row {tooLong} has {lengths[tooLong]} tokens, more than max_seq_length {maxLength}");
        if (adapter != null && options.FreezeNewRowsSteps > 0)
            throw new ArgumentException("freeze_new_rows_steps needs full fine-tuning: with LoRA the base rows stay frozen and the new rows train from the start", nameof(options));
        this.model = model;
        this.adapter = adapter;
        this.train = train;
        this.eval = eval;
        this.options = options;
        this.workDir = workDir;
        device = first.device;
        model.RealVocabSize = options.RealVocabSize;
        model.model.GradientCheckpointing = options.Checkpointing;
        var modelParameters = model.named_parameters().Select(p => (p.name, p.parameter)).ToList();
        masters = adapter is null && model.DType == ScalarType.BFloat16 && options.MasterWeights ? new MasterWeights(modelParameters) : null;
        parameters = adapter?.Parameters ?? masters?.Parameters ?? modelParameters;   // LoRA tensors are fp32 already
        optimizer = TrainingOptimizers.Create(options.Optimizer, parameters, options.AdamW);
        TotalSteps = DataCursor.TotalSteps(lengths, options);
        schedule = LrSchedule.FromRatio(options.Schedule, options.WarmupRatio, TotalSteps);
        metrics = new MetricsLog(Path.Combine(workDir, TrainerCheckpoint.MetricsFile));
        cursor = new DataCursor(lengths, options, new TrainingRngState { Seed = options.Seed });
    }

    public long TotalSteps { get; }

    /// <summary>The steps after which an epoch ends (<see cref="DataCursor.EpochEnds"/>).</summary>
    public IReadOnlyList<long> EpochEnds => DataCursor.EpochEnds(lengths, options);

    /// <summary>Optimizer steps done.</summary>
    public long Step { get; private set; }

    public ITrainingOptimizer Optimizer => optimizer;

    public string MetricsPath => metrics.Path;

    /// <summary>Loads the latest checkpoint of the work folder (weights, optimizer, step, data position, metrics); false when there is none.</summary>
    public bool Resume()
    {
        var checkpoint = TrainerCheckpoint.Latest(workDir);
        if (checkpoint is null) return false;
        var state = TrainerCheckpoint.ReadState(checkpoint);
        if (state.TotalSteps != TotalSteps || state.Optimizer != options.Optimizer)
            throw new ArgumentException($"{checkpoint}: written for {state.TotalSteps} steps with {state.Optimizer}; these options give {TotalSteps} steps with {options.Optimizer}");
        TrainerCheckpoint.Load(checkpoint, source => { if (adapter != null) adapter.Load(source); else if (masters != null) masters.Load(source); else model.LoadWeights(source); }, optimizer);
        Step = state.Step;
        elapsedBefore = state.ElapsedSeconds;
        cursor = new DataCursor(lengths, options, state.Data);
        var saved = Path.Combine(checkpoint, TrainerCheckpoint.MetricsFile);
        Directory.CreateDirectory(workDir);
        if (File.Exists(saved)) File.Copy(saved, metrics.Path, overwrite: true);
        resumed = true;
        return true;
    }

    /// <summary>Trains until <see cref="TotalSteps"/>; throws <see cref="TrainingException"/> on a non-finite loss (the last checkpoint stays).</summary>
    public TrainingResult Train(IProgress<TrainerProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        metrics.Start(fresh: !resumed);
        using var freeze = options.FreezeNewRowsSteps > 0 ? new NewRowFreeze(parameters, options.FirstNewRow) : null;
        var clock = Stopwatch.StartNew();
        long startStep = Step, tokensDone = 0;
        double windowLoss = 0, lastLoss = double.NaN, loggedLoss = double.NaN, tokensPerSecond = 0;
        double? lastEval = null;
        int windowSteps = 0;
        string? checkpoint = TrainerCheckpoint.Latest(workDir);
        model.train();
        while (Step < TotalSteps)
        {
            cancellationToken.ThrowIfCancellationRequested();
            optimizer.LearningRate = options.LearningRate * schedule.Multiplier(Step);
            adapter?.BeginStep(Step);
            bool frozen = freeze != null && Step < options.FreezeNewRowsSteps;
            var stepClock = Stopwatch.StartNew();
            var (microBatches, epochEnded) = cursor.NextStep();
            var batches = microBatches.Select(m => TrainingBatch.Collate(train, m, options.PadId, device)).ToList();
            long stepTokens = batches.Sum(b => b.Tokens), lossTokens = batches.Sum(b => b.LossTokens);
            if (lossTokens == 0) Fail(batches, Step + 1, "the effective batch has no loss tokens (check the shard's loss mask)");
            var accumulator = new GradientAccumulator(lossTokens);
            foreach (var batch in batches)
            {
                if (cancellationToken.IsCancellationRequested) batches.ForEach(b => b.Dispose()); // Ctrl-C between micro-batches
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                accumulator.Backward(MaskedCrossEntropy.NextTokenSum(model, batch.Ids, batch.LossMask, batch.AttentionMask, batch.Positions));
                batch.Dispose();
            }
            double loss = accumulator.Loss;
            if (!double.IsFinite(loss)) Fail(batches, Step + 1, $"loss is {loss}; stopped before updating the weights");
            masters?.TakeGradients();
            if (frozen) freeze!.MaskGradients();
            double gradNorm = GradientClipping.ClipByGlobalNorm(parameters.Select(p => p.P), options.MaxGradNorm > 0 ? options.MaxGradNorm : double.PositiveInfinity);
            if (!double.IsFinite(gradNorm)) Fail(batches, Step + 1, $"gradient norm is {gradNorm} (loss {loss}); stopped before updating the weights");
            optimizer.Step();
            optimizer.ZeroGrad();
            if (frozen) freeze!.RestoreOldRows();
            masters?.CopyToModel();
            if (frozen && Step + 1 == options.FreezeNewRowsSteps) freeze!.Dispose();
            Step++;

            tokensDone += stepTokens;
            tokensPerSecond = stepTokens / stepClock.Elapsed.TotalSeconds;
            lastLoss = loss;
            windowLoss += loss;
            windowSteps++;
            double elapsed = elapsedBefore + clock.Elapsed.TotalSeconds;
            var eta = TimeSpan.FromSeconds(clock.Elapsed.TotalSeconds / (Step - startStep) * (TotalSteps - Step));
            bool last = Step == TotalSteps, logged = Step % options.LogEvery == 0 || last;
            if (logged)
            {
                metrics.Train(Step, cursor.EpochProgress, loggedLoss = windowLoss / windowSteps, optimizer.LearningRate, gradNorm, tokensPerSecond, elapsed);
                (windowLoss, windowSteps) = (0, 0);
            }
            progress?.Report(new TrainerProgress(Step, TotalSteps, loss, optimizer.LearningRate, tokensPerSecond, eta, loggedLoss, logged));
            if (eval != null && (Step % options.EvalEvery == 0 || last))
                metrics.Eval(Step, (lastEval = Evaluate()).Value);
            if (options.Save.Kind == SaveKind.Epoch && (epochEnded || last))
                KeepEpochWeights();   // before the resumable checkpoint: a crash between the two replays this step and keeps it again
            if (options.Save.SaveAfter(Step, epochEnded, last))
                checkpoint = SaveCheckpoint(elapsed);
        }
        double seconds = clock.Elapsed.TotalSeconds;
        return new TrainingResult(Step, lastLoss, lastEval, seconds > 0 ? tokensDone / seconds : 0, elapsedBefore + seconds, checkpoint);
    }

    /// <summary>Token-weighted mean loss over the eval shard (rows batched by length, no gradients).</summary>
    public double Evaluate() => eval is null
        ? throw new InvalidOperationException("no eval shard was given")
        : Evaluate(model, eval, options.BatchSize, options.PadId);

    /// <summary>Mean loss per loss token of <paramref name="shard"/> under <paramref name="model"/>.</summary>
    public static double Evaluate(CausalLM model, TokenShard shard, int batchSize, int padId)
    {
        using var noGrad = no_grad();
        var device = model.parameters().First().device;
        var rows = Enumerable.Range(0, shard.RowCount).OrderBy(shard.RowLength).ToArray();
        double sum = 0;
        long count = 0;
        foreach (var chunk in rows.Chunk(batchSize))
        {
            using var batch = TrainingBatch.Collate(shard, chunk.Select(r => new[] { r }).ToList(), padId, device);
            using var scope = NewDisposeScope();
            sum += MaskedCrossEntropy.NextTokenSum(model, batch.Ids, batch.LossMask, batch.AttentionMask, batch.Positions).to(ScalarType.Float64).item<double>();
            count += batch.LossTokens;
        }
        return count > 0 ? sum / count : double.NaN;
    }

    /// <summary>With <c>save: epoch</c>: the work subfolder holding <c>checkpoint-STEP/</c> for every epoch end and the last step.</summary>
    public const string EpochsFolder = "epochs";

    /// <summary>
    /// <c>&lt;work&gt;/epochs/checkpoint-STEP/</c>: the model at an epoch's end, kept (unlike the resumable checkpoints, of
    /// which only the latest stays) as HF's Trainer keeps its checkpoint-STEP folders. Full fine-tuning: a loadable model
    /// folder (config.json + model.safetensors, the model's dtype); LoRA: the adapter's tensors in PEFT's names. Written
    /// to a fresh temp folder and renamed, so a folder that exists is complete; a replayed step (resume after a crash)
    /// keeps the one already there.
    /// </summary>
    private void KeepEpochWeights()
    {
        var root = Path.Combine(workDir, EpochsFolder);
        var final = Path.Combine(root, $"checkpoint-{Step}");
        if (Directory.Exists(final)) return;
        var temp = Path.Combine(root, $".tmp-checkpoint-{Step}-{Guid.NewGuid():N}");
        if (adapter is null) model.SaveHuggingFace(temp);
        else
        {
            Directory.CreateDirectory(temp);
            using var scope = NewDisposeScope();
            SafetensorsWriter.Write(Path.Combine(temp, PeftAdapter.WeightsFile), adapter.PeftTensors());
        }
        Directory.Move(temp, final);
    }

    private string SaveCheckpoint(double elapsed) =>
        TrainerCheckpoint.Save(workDir, adapter?.Named() ?? masters?.Named() ?? model.StateNames().Select(kv => new KeyValuePair<string, Tensor>(kv.Key, kv.Value)), optimizer, new TrainerState
        {
            Step = Step,
            TotalSteps = TotalSteps,
            Data = cursor.State,
            Optimizer = options.Optimizer,
            ElapsedSeconds = elapsed,
        }, metrics.Path);

    private void Fail(List<TrainingBatch> batches, long step, string message)
    {
        foreach (var b in batches) b.Dispose();
        optimizer.ZeroGrad();
        masters?.ZeroGrad();
        var last = TrainerCheckpoint.Latest(workDir);
        throw new TrainingException(step, message + (last is null ? "; no checkpoint was written yet" : $"; the last good checkpoint is {last}"));
    }

    public void Dispose()
    {
        optimizer.Dispose();
        masters?.Dispose();
    }
}
