#!/usr/bin/env python3
"""mgviz diff on micrograd's demo (issue 27): samples/moons_batch.json (MLP(2, [16, 16, 1]) on
the 100 moons points, 65,818 values) against the same spec after one step of SGD-like change
to its weights (each parameter p becomes p - 0.01 * sign(p), a deterministic stand-in for a
step: every node's data and grad changes, the graph does not), drawn to the plate SVG.
Prints the median wall time of `--runs` whole processes and its ratio to the 2 s target, the
median CPU time (user and system, the steadier on a machine shared with builds), and the
summary's first line, which says how many nodes were matched.

Usage: python3 benchmarks/diff.py --mgviz .build-release/release/mgviz [--runs 5]
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TARGET = 2.0  # seconds, the plate SVG of the difference


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mgviz", required=True)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mgviz-bench-diff-") as work:
        a = os.path.join(ROOT, "samples", "moons_batch.json")
        spec = json.load(open(a, encoding="utf-8"))
        spec["mlp"]["parameters"] = [p - 0.01 * (1 if p > 0 else -1) for p in spec["mlp"]["parameters"]]
        b = os.path.join(work, "moons_batch_after.json")
        with open(b, "w", encoding="utf-8") as f:
            json.dump(spec, f)
        out = os.path.join(work, "diff.svg")
        times, cpu, summary = [], [], ""
        for _ in range(args.runs):
            used = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            result = subprocess.run([args.mgviz, "diff", a, b, "-o", out], capture_output=True, text=True)
            times.append(time.perf_counter() - start)
            now = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(now.ru_utime + now.ru_stime - used.ru_utime - used.ru_stime)
            if result.returncode != 1:
                sys.exit(f"mgviz diff exited {result.returncode}, not 1: {result.stderr}")
            summary = result.stderr.splitlines()[0]
        median = statistics.median(times)
        print(f"mgviz diff, the demo at two weights, plate SVG: median {median:.3f} s of {args.runs} runs "
              f"(target {TARGET} s: ratio {median / TARGET:.2f}); CPU {statistics.median(cpu):.3f} s; {os.path.getsize(out):,} bytes; "
              f"load {open('/proc/loadavg').read().split()[0]}")
        print(f"  {summary}")


if __name__ == "__main__":
    main()
