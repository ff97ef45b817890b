"""Run gradkit's benchmark suite and write benchmarks/results.json and results.md.

Usage: python benchmarks/run_benchmarks.py [--quick]   (also: make bench, gradkit bench)
"""

import os
import sys

from gradkit.bench import main

if __name__ == "__main__":
    args = sys.argv[1:]
    if "--output-dir" not in args:
        args += ["--output-dir", os.path.dirname(os.path.abspath(__file__))]
    raise SystemExit(main(args))
