#!/usr/bin/env bash
# Installs the system packages the tests need: Debian's PyTorch and onnx (independent references for parity
# checks, run with /usr/bin/python3) and OpenBLAS (so PyTorch is not on the slow reference BLAS).
# Also Debian's protobuf-compiler: protoc parses every exported Triton config.pbtxt against Triton's schema.
# Idempotent and quick when everything is there. Needs root (or sudo) only when something is missing.
set -euo pipefail

if /usr/bin/python3 -c 'import torch, onnx, numpy' >/dev/null 2>&1 && ls /usr/lib/x86_64-linux-gnu/openblas-pthread/ >/dev/null 2>&1 \
   && command -v protoc >/dev/null 2>&1; then
  exit 0
fi

sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
echo "setup: installing python3-torch python3-onnx python3-numpy libopenblas0-pthread protobuf-compiler with apt-get" >&2
# The image may delete downloaded packages between steps; keep them in a folder of our own.
mkdir -p /tmp/aptarch/partial
$sudo apt-get update -q >/dev/null
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
  -o Dir::Cache::Archives=/tmp/aptarch/ python3-torch python3-onnx python3-numpy libopenblas0-pthread protobuf-compiler >/dev/null
/usr/bin/python3 -c 'import torch, onnx; print(f"setup: torch {torch.__version__}, onnx {onnx.__version__}")' >&2
echo "setup: $(protoc --version)" >&2
