#!/usr/bin/env bash
# Same wall-clock budget, same architecture, same split: trains the shipped text recipe with `rnnonnx train`, then
# Debian's PyTorch for exactly as many seconds as ours took, and prints both validation bits per character.
# Usage: bash tools/bench/compare_charlm.sh [RECIPE.json]
set -euo pipefail
cd "$(dirname "$0")/../.."
recipe=${1:-models/textgen/recipe.json}
bash tools/setup.sh
dotnet build src/RnnOnnx.Cli -c Release -v q -nologo >/dev/null
out=$(mktemp -d)
start=$(date +%s%N)
dotnet src/RnnOnnx.Cli/bin/Release/net10.0/linux-x64/rnnonnx.dll train --recipe "$recipe" --out "$out/model.onnx" | tail -n 3
seconds=$(( ($(date +%s%N) - start) / 1000000000 ))
echo "ours: $seconds s wall-clock (including start-up and export)"
echo "torch, same budget:"
OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 tools/bench/torch_charlm.py --recipe "$recipe" --seconds "$seconds"
rm -rf "$out"
