using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;

namespace Finetune.Torch.Training.Optimizers;

/// <summary>
/// AdamW with decoupled weight decay, step for step as PyTorch's <c>torch.optim.AdamW</c>:
/// p *= 1 - lr*wd; m = lerp(m, g, 1-b1); v = b2*v + (1-b2)*g*g;
/// p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps). Weight decay only where
/// <see cref="ParameterGroups.IsDecayed"/> says so. State per parameter: step (int64), exp_avg and
/// exp_avg_sq (in the parameter's dtype, as torch keeps them).
/// </summary>
public sealed class AdamW : ITrainingOptimizer
{
    private readonly AdamWOptions options;
    private readonly IReadOnlyList<Slot> slots;

    public AdamW(IReadOnlyList<(string Name, Parameter P)> parameters, AdamWOptions options)
    {
        options.Validate();
        this.options = options;
        LearningRate = options.LearningRate;
        slots = parameters.Select(p => new Slot(p.Name, p.P, ParameterGroups.IsDecayed(p.Name, p.P))).ToList();
    }

    public double LearningRate { get; set; }

    public void Step()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        double lr = LearningRate, b1 = options.Beta1, b2 = options.Beta2;
        foreach (var slot in slots)
        {
            var grad = slot.Parameter.grad;
            if (grad is null) continue;
            long t = slot.Advance();
            if (slot.Decayed && options.WeightDecay != 0) slot.Parameter.mul_(1 - lr * options.WeightDecay);

            double biasCorrection1 = 1 - Math.Pow(b1, t);
            double biasCorrection2Sqrt = Math.Sqrt(1 - Math.Pow(b2, t));
            slot.ExpAvg.lerp_(grad, 1 - b1);
            slot.ExpAvgSq.mul_(b2).addcmul_(grad, grad, 1 - b2);
            var denom = slot.ExpAvgSq.sqrt().div_(biasCorrection2Sqrt).add_(options.Eps);
            slot.Parameter.addcdiv_(slot.ExpAvg, denom, -lr / biasCorrection1);
        }
    }

    public void ZeroGrad()
    {
        foreach (var slot in slots) slot.Parameter.grad = null;
    }

    public IReadOnlyDictionary<string, Tensor> StateDict()
    {
        var state = new Dictionary<string, Tensor>();
        foreach (var slot in slots)
        {
            state[$"{slot.Name}.step"] = slot.StepTensor;
            state[$"{slot.Name}.exp_avg"] = slot.ExpAvg;
            state[$"{slot.Name}.exp_avg_sq"] = slot.ExpAvgSq;
        }
        return state;
    }

    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state)
    {
        foreach (var slot in slots)
        {
            StateTensors.CopyInto(state, $"{slot.Name}.step", slot.StepTensor);
            StateTensors.CopyInto(state, $"{slot.Name}.exp_avg", slot.ExpAvg);
            StateTensors.CopyInto(state, $"{slot.Name}.exp_avg_sq", slot.ExpAvgSq);
            slot.SyncStepFromTensor();
        }
    }

    public void Dispose()
    {
        foreach (var slot in slots) slot.Dispose();
    }

    private sealed class Slot(string name, Parameter parameter, bool decayed) : IDisposable
    {
        private long step;

        public string Name { get; } = name;
        public Parameter Parameter { get; } = parameter;
        public bool Decayed { get; } = decayed;
        public Tensor StepTensor { get; } = StateTensors.NewStep();
        public Tensor ExpAvg { get; } = zeros_like(parameter).DetachFromDisposeScope();
        public Tensor ExpAvgSq { get; } = zeros_like(parameter).DetachFromDisposeScope();

        public long Advance()
        {
            step++;
            StepTensor.fill_(step);
            return step;
        }

        public void SyncStepFromTensor() => step = StepTensor.item<long>();

        public void Dispose()
        {
            StepTensor.Dispose();
            ExpAvg.Dispose();
            ExpAvgSq.Dispose();
        }
    }
}
