#!/bin/sh
# Five minutes (wall clock) of training on MotorNet's random-target task, then the endpoint error on 64 episodes of
# that task from a fixed seed (what `motor train` prints). MotorNet's tutorial reaches 1.22 cm after 5 minutes.
# usage: tools/bench/motor/train5min.sh [RECIPE] [OUT_DIR]    (default recipe: motornet5min.json beside this script)
set -e
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
RECIPE=${1:-$ROOT/tools/bench/motor/motornet5min.json}
OUT=${2:-$(mktemp -d)}
dotnet build -c Release "$ROOT/src/RnnOnnx.Cli" -v q -nologo > /dev/null
echo "recipe: $RECIPE"
echo "uptime: $(uptime)"
dotnet "$ROOT/src/RnnOnnx.Cli/bin/Release/net10.0/linux-x64/rnnonnx.dll" motor train --recipe "$RECIPE" --out "$OUT/motornet5min.onnx"
echo "uptime: $(uptime)"
