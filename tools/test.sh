#!/usr/bin/env bash
# The test command of the README and of CI: installs what the tests need, runs every test project in Release,
# and ends with one line "tests: N passed, N failed[, N skipped]". Exit status is dotnet test's.
set -uo pipefail
cd "$(dirname "$0")/.."

bash tools/setup.sh || { echo "tests: 0 passed, 1 failed (tools/setup.sh could not install the test dependencies)"; exit 1; }

log=$(mktemp)
dotnet test RnnOnnx.sln -c Release "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# dotnet test prints one summary per test assembly: "Passed!  - Failed: 0, Passed: 45, Skipped: 0, Total: 45, ..."
read -r passed failed skipped < <(grep -E '(Passed|Failed)! +- +Failed: ' "$log" | sed -E 's/.*Failed: +([0-9]+), Passed: +([0-9]+), Skipped: +([0-9]+).*/\2 \1 \3/' |
  awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}')
rm -f "$log"
if [ "$status" != 0 ] && [ "$failed" = 0 ]; then failed=1; fi  # a build or runner failure counts as a failure
line="tests: $passed passed, $failed failed"
if [ "$skipped" != 0 ]; then line="$line, $skipped skipped"; fi
echo "$line"
exit "$status"
