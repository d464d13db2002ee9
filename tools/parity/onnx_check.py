#!/usr/bin/env python3
"""Runs the onnx package's checker (full_check=True: also type and shape inference) over ONNX files.

Usage: /usr/bin/python3 tools/parity/onnx_check.py MODEL.onnx [MODEL.onnx ...]
Prints one line per file, "ok PATH" or "fail PATH: reason", and exits 1 if any file fails.
"""
import sys

import onnx


def main(paths):
    failed = 0
    for path in paths:
        try:
            model = onnx.load(path)
            onnx.checker.check_model(model, full_check=True)
            print(f"ok {path}")
        except Exception as error:  # report every failure, keep checking the rest
            failed += 1
            print(f"fail {path}: {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
