#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Benchmarks of docs/performance.md (not tests: nothing here asserts a host time).

For each canonical scenario: whole-process wall time (fork to exit), and from the JSON report the
simulation phase (sc_start: thread start-up, boot, the run) and the stop phase (first trigger to
the end). Reports the median and minimum of N runs.

usage: bench/run.py [build/stopsim] [runs]
"""
import json
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
EXE = sys.argv[1] if len(sys.argv) > 1 else str(HERE.parent / "build" / "stopsim")
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 20
TARGETS = {"canonical-64": (1.0, 20.0), "canonical-4096": (100.0, None)}


def one(scenario, out):
    t0 = time.perf_counter_ns()
    p = subprocess.run([EXE, "run", str(scenario), "--quiet", "--json", str(out)])
    wall = time.perf_counter_ns() - t0
    if p.returncode != 0:
        raise SystemExit(f"{scenario}: exit {p.returncode}")
    stats = json.loads(out.read_text())["stats"]
    return wall / 1e6, stats["host_sim_ns"] / 1e6, stats["host_stop_ns"] / 1e6


def main():
    print(f"{'scenario':16} {'runs':>4}  {'process ms':>18}  {'sc_start ms':>18}  {'stop phase ms':>18}  target (sim / process)")
    with tempfile.TemporaryDirectory() as tmp:
        out = pathlib.Path(tmp) / "r.json"
        for name, (sim_target, proc_target) in TARGETS.items():
            rows = [one(HERE / f"{name}.yaml", out) for _ in range(RUNS)]
            cols = list(zip(*rows))
            fmt = lambda xs: f"{statistics.median(xs):8.3f} (min {min(xs):7.3f})"
            target = f"<= {sim_target} ms / " + (f"<= {proc_target} ms" if proc_target else "-")
            print(f"{name:16} {RUNS:4}  {fmt(cols[0])}  {fmt(cols[1])}  {fmt(cols[2])}  {target}")


if __name__ == "__main__":
    main()
