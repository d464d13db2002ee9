#!/usr/bin/env bash
# Runs our training benchmark (tools/bench/RnnOnnx.Bench train) and Debian's PyTorch on the same configs in one run, interleaved config by config
# so that both see the same machine load, and prints ms/step of each and the PyTorch/ours ratio (> 1: we are faster).
# Usage: bash tools/bench/compare_train.sh [--steps 20] [--threads 2]
set -euo pipefail
cd "$(dirname "$0")/../.."
steps=20; threads=2
while [ $# -gt 0 ]; do case "$1" in --steps) steps=$2; shift 2;; --threads) threads=$2; shift 2;; *) echo "unknown option $1" >&2; exit 2;; esac; done
bash tools/setup.sh
dotnet build tools/bench/RnnOnnx.Bench -c Release -v q -nologo >/dev/null
printf '%-8s %12s %12s %10s %10s\n' config ours_ms torch_ms ours_GF/s ratio
for config in seed mid big gru-mid charlm; do
  ours=$(dotnet tools/bench/RnnOnnx.Bench/bin/Release/net10.0/RnnOnnx.Bench.dll train --config "$config" --steps "$steps" --threads "$threads" --json)
  torch=$(OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 tools/bench/torch_train.py --config "$config" --steps "$steps" --threads "$threads")
  /usr/bin/python3 - "$ours" "$torch" <<'PY'
import json, sys
o, t = json.loads(sys.argv[1])[0], json.loads(sys.argv[2])[0]
print(f"{o['config']:<8} {o['ms_per_step']:12.2f} {t['ms_per_step']:12.2f} {o['gflops']:10.1f} {t['ms_per_step'] / o['ms_per_step']:10.2f}")
PY
done
