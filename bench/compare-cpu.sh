#!/usr/bin/env bash
# Ours and the PyTorch-eager peer, one after the other, on the same random-model shape; prints the ratio.
#
#   bench/compare-cpu.sh [--dtype fp32|bf16] [--optimizer adamw|adamw_8bit] [--runs N] [--threads T] [--out DIR]
#
# Needs ../shared/bench/torch_peer_train.py and Debian's python3-torch + libopenblas0-pthread
# (apt-get install -y python3-torch libopenblas0-pthread). Shape: the issue's (hidden 256, 4 layers, 8 heads,
# 2 KV heads, intermediate 688, vocab 1000, tied), batch 8 x 256. Results (JSON lines) go to --out
# (default artifacts/bench), one file per run, and a summary line per run is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
dtype=fp32 optimizer=adamw runs=3 threads=2 out=artifacts/bench
while [ $# -gt 0 ]; do
  case "$1" in
    --dtype) dtype=$2; shift 2 ;;
    --optimizer) optimizer=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "compare-cpu.sh: unknown option $1" >&2; exit 1 ;;
  esac
done
peer=../shared/bench/torch_peer_train.py
[ -f "$peer" ] || { echo "compare-cpu.sh: $peer not found (../shared beside the checkout)" >&2; exit 1; }
mkdir -p "$out"
shape=(--hidden 256 --layers 4 --heads 8 --kv-heads 2 --inter 688 --vocab 1000)
dotnet build -c Release tool/Finetune.Tool -v q -nologo >/dev/null
tool=(dotnet tool/Finetune.Tool/bin/Release/net10.0/dotnet-finetune.dll)
stamp=$(date -u +%Y%m%dT%H%M%SZ)
for run in $(seq 1 "$runs"); do
  ours="$out/ours-$dtype-$optimizer-$stamp-$run.json"
  theirs="$out/peer-$stamp-$run.json"
  "${tool[@]}" bench train "${shape[@]}" --tied --batch 8 --seq 256 --steps 10 --warmup 2 --threads "$threads" \
    --dtype "$dtype" --optimizer "$optimizer" --json --out "$ours" >/dev/null
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 "$peer" "${shape[@]}" --tied --batch 8 --seq 256 \
    --steps 10 --warmup 2 --threads "$threads" > "$theirs"
  python3 - "$ours" "$theirs" <<'PY'
import json, sys
ours = json.load(open(sys.argv[1])); peer = json.loads(open(sys.argv[2]).read().strip().splitlines()[-1])
o, p = ours["tokens_per_s"], peer["tokens_per_s"]
print(f"ours {ours['dtype']} {ours['optimizer']}: {o:,.0f} tokens/s, peak RSS {ours['peak_rss_mb']:.0f} MB | "
      f"peer fp32 adamw: {p:,.0f} tokens/s, peak RSS {peer.get('peak_rss_mb', float('nan')):.0f} MB | ratio {o / p:.2f}x")
PY
done
