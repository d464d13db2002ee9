#!/bin/sh
# Side-by-side ms per training batch, RnnOnnx.Motor vs MotorNet, arm26, batch 32 x 100 steps, GRU(32) and GRU(128).
# Both sides report the median wall-clock time and the median CPU time of the training thread per batch; on a shared
# machine the wall-clock ratio swings with the load, the CPU-time ratio is what one core does for each.
# usage: tools/bench/motor/compare.sh MOTORNET_DIR [batches]
set -e
MN=${1:?usage: compare.sh MOTORNET_DIR [batches]}
N=${2:-10}
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
dotnet build -c Release "$ROOT/tools/bench/motor/RnnOnnx.Motor.Bench" -v q -nologo > /dev/null
echo "uptime: $(uptime)"
OURS=$(dotnet "$ROOT/tools/bench/motor/RnnOnnx.Motor.Bench/bin/Release/net10.0/RnnOnnx.Motor.Bench.dll" 32 128 --batches $((N * 3)))
echo "$OURS"
THEIRS=$(OMP_NUM_THREADS=1 /usr/bin/python3 "$ROOT/tools/bench/motor/motornet_bench.py" "$MN" 32 128 --batches "$N")
echo "$THEIRS"
echo "uptime: $(uptime)"
for H in 32 128; do
  A=$(echo "$OURS" | grep "GRU($H)" | sed 's/.*median \([0-9.]*\) ms\/batch.*/\1/')
  B=$(echo "$THEIRS" | grep "GRU($H)" | sed 's/.*median \([0-9.]*\) ms\/batch.*/\1/')
  AC=$(echo "$OURS" | grep "GRU($H)" | sed 's/.*thread-cpu median \([0-9.]*\) ms.*/\1/')
  BC=$(echo "$THEIRS" | grep "GRU($H)" | sed 's/.*thread-cpu median \([0-9.]*\) ms.*/\1/')
  echo "GRU($H): wall MotorNet $B ms / RnnOnnx $A ms = $(echo "$B $A" | awk '{printf "%.1f", $1 / $2}')x;" \
       "thread CPU MotorNet $BC ms / RnnOnnx $AC ms = $(echo "$BC $AC" | awk '{printf "%.1f", $1 / $2}')x"
done
