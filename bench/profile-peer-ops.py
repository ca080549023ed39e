#!/usr/bin/python3
"""Per-op CPU times of the PyTorch-eager peer's training step (../shared/bench/torch_peer_train.py's model,
loaded from there, not copied), on the issue's shape: where a step's time goes in eager PyTorch on this
machine, by ATen op. TorchSharp 0.107 exposes no autograd profiler, so our own step is split by phase
instead (`dotnet finetune bench train` prints forward / backward / optimizer medians); both run the same
ATen kernels for the same math, so the GEMM share here bounds what any binding can reach.

  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/profile-peer-ops.py [--steps 5] [--threads 2]
"""
import argparse, importlib.util, os, sys, time
import torch
import torch.nn.functional as F

here = os.path.dirname(os.path.abspath(__file__))
peer_path = os.path.join(here, "..", "..", "shared", "bench", "torch_peer_train.py")
if not os.path.exists(peer_path):
    sys.exit(f"profile-peer-ops.py: {peer_path} not found (../shared beside the checkout)")
spec = importlib.util.spec_from_file_location("torch_peer_train", peer_path)
peer = importlib.util.module_from_spec(spec); spec.loader.exec_module(peer)

p = argparse.ArgumentParser()
p.add_argument("--steps", type=int, default=5); p.add_argument("--threads", type=int, default=2)
args = p.parse_args()
shape = argparse.Namespace(hidden=256, layers=4, heads=8, kv_heads=2, inter=688, vocab=1000, batch=8, seq=256, tied=True)
torch.manual_seed(0); torch.set_num_threads(args.threads)
model = peer.Llama(shape)
opt = torch.optim.AdamW(model.parameters(), lr=1e-4)

def step():
    ids = torch.randint(0, shape.vocab, (shape.batch, shape.seq))
    logits = model(ids)
    loss = F.cross_entropy(logits[:, :-1].reshape(-1, shape.vocab).float(), ids[:, 1:].reshape(-1))
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step(); opt.zero_grad(set_to_none=True)

for _ in range(2): step()
start = time.perf_counter()
with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
    for _ in range(args.steps): step()
wall = (time.perf_counter() - start) / args.steps
events = [e for e in prof.key_averages() if e.self_cpu_time_total > 0]
total = sum(e.self_cpu_time_total for e in events)
gemm_names = ("aten::mm", "aten::addmm", "aten::bmm", "aten::baddbmm")
gemm = sum(e.self_cpu_time_total for e in events if e.key in gemm_names)
print(f"peer step (profiled): {wall * 1000:.0f} ms wall; ops' self CPU time per step {total / args.steps / 1000:.0f} ms "
      f"(threads {args.threads}); GEMMs {100 * gemm / total:.0f}%")
print(f"{'op':34} {'ms/step':>8} {'share':>6} {'calls/step':>10}")
for e in sorted(events, key=lambda e: -e.self_cpu_time_total)[:18]:
    print(f"{e.key:34} {e.self_cpu_time_total / args.steps / 1000:8.1f} {100 * e.self_cpu_time_total / total:5.1f}% {e.count / args.steps:10.0f}")
