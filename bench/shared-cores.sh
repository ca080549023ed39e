#!/usr/bin/env bash
# The default run (recipes/think-answer-tiny.yaml, empty store each time) alone, then beside a CPU hog of
# N busy threads (default 2: every core of the 2-core CI machine); prints both wall times and the ratio.
#
#   bench/shared-cores.sh [--hog-threads N] [--recipe FILE] [--out DIR]
#
# Issue 13's target: beside a 2-thread hog the run is at most 2.5x slower than alone (a busy machine should
# slow us about as much as it slows anything else; libtorch's spinning OpenMP workers once made it ~15x).
# Results (one JSON object) go to --out (default artifacts/bench).
set -euo pipefail
cd "$(dirname "$0")/.."
hog_threads=2 recipe=recipes/think-answer-tiny.yaml out=artifacts/bench
while [ $# -gt 0 ]; do
  case "$1" in
    --hog-threads) hog_threads=$2; shift 2 ;;
    --recipe) recipe=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "shared-cores.sh: unknown option $1" >&2; exit 1 ;;
  esac
done
mkdir -p "$out"
dotnet build -c Release tool/Finetune.Tool -v q -nologo >/dev/null
tool=(dotnet tool/Finetune.Tool/bin/Release/net10.0/dotnet-finetune.dll)
scratch=$(mktemp -d)
hogs=()
cleanup() { for p in "${hogs[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$scratch"; }
trap cleanup EXIT

timed_run() { # $1: store folder; prints wall seconds and the process's CPU seconds
  local start end
  start=$(date +%s.%N)
  /usr/bin/time -f '%U %S' -o "$scratch/cpu" "${tool[@]}" run "$recipe" --store "$1" >"$scratch/log" 2>&1 \
    || { cat "$scratch/log" >&2; exit 1; }
  end=$(date +%s.%N)
  echo "$(echo "$end - $start" | bc) $(awk '{print $1 + $2}' "$scratch/cpu")"
}

read -r alone alone_cpu < <(timed_run "$scratch/store-alone")
for _ in $(seq 1 "$hog_threads"); do (while :; do :; done) & hogs+=($!); done
sleep 1
read -r beside beside_cpu < <(timed_run "$scratch/store-beside")
stamp=$(date -u +%Y%m%dT%H%M%SZ)
result=$(printf '{"recipe":"%s","hog_threads":%d,"alone_s":%.1f,"alone_cpu_s":%.1f,"beside_hog_s":%.1f,"beside_hog_cpu_s":%.1f,"ratio":%.2f,"cores":%d}' \
  "$recipe" "$hog_threads" "$alone" "$alone_cpu" "$beside" "$beside_cpu" "$(echo "$beside / $alone" | bc -l)" "$(nproc)")
echo "$result" > "$out/shared-cores-$stamp.json"
echo "$result"
