#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Source-mode benchmark (docs/performance.md; not a test: nothing here asserts a host time).

The canonical run (bench/canonical-64.yaml: 64 CPUs, one wedged with DAIF.I set, the 1 s IRQ rung
to its end, i.e. 10^6 real `udelay(1)` iterations run natively) in source mode against Debian's
6.12 tree, beside the transcription: simulation phase (sc_start) and whole process, median and
minimum of N runs; then source mode's front end: extract + cache lookup + dlopen on a cached
object, and a first compile into an empty cache.

usage: bench/source_mode.py [build/stopsim] [runs] [tree]
"""
import json, os, pathlib, re, statistics, subprocess, sys, tempfile, time

HERE = pathlib.Path(__file__).resolve().parent
EXE = sys.argv[1] if len(sys.argv) > 1 else str(HERE.parent / "build" / "stopsim")
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 20
TREE = sys.argv[3] if len(sys.argv) > 3 else None
SCEN = HERE / "canonical-64.yaml"

def tree():
    if TREE:
        return TREE
    out = subprocess.run([str(HERE.parent / "scripts" / "kernel-trees.sh")], capture_output=True, text=True, check=True)
    return [l for l in out.stdout.split() if l.endswith("linux-6.12")][0]

def one(extra, env, out):
    t0 = time.perf_counter_ns()
    p = subprocess.run([EXE, "run", str(SCEN), "--quiet", "--json", str(out)] + extra, env=env,
                       capture_output=True, text=True)
    wall = (time.perf_counter_ns() - t0) / 1e6
    if p.returncode != 0:
        raise SystemExit(f"exit {p.returncode}: {p.stderr}")
    st = json.loads(out.read_text())["stats"]
    m = re.search(r"extract ([\d.]+) ms, (cache hit|compile) ([\d.]+) ms, load ([\d.]+) ms", p.stderr)
    front = (float(m.group(1)), m.group(2), float(m.group(3)), float(m.group(4))) if m else None
    return wall, st["host_sim_ns"] / 1e6, front

def summary(xs):
    return f"median {statistics.median(xs):8.2f}  min {min(xs):8.2f}"

def main():
    t = tree()
    with tempfile.TemporaryDirectory() as tmp:
        out = pathlib.Path(tmp) / "r.json"
        env = dict(os.environ, STOPSIM_CACHE_DIR=os.path.join(tmp, "cache"), STOPSIM_SOURCE_TIMING="1")
        cold = one(["--kernel-source", t], env, out)
        rows_t = [one([], env, out) for _ in range(RUNS)]
        rows_s = [one(["--kernel-source", t], env, out) for _ in range(RUNS)]
    print(f"canonical-64, {RUNS} runs each; tree {t}")
    print(f"  transcription  sc_start ms {summary([r[1] for r in rows_t])}   process ms {summary([r[0] for r in rows_t])}")
    print(f"  source mode    sc_start ms {summary([r[1] for r in rows_s])}   process ms {summary([r[0] for r in rows_s])}"
          "   (target: sc_start <= 10 ms)")
    fronts = [r[2] for r in rows_s if r[2]]
    tot = [f[0] + f[2] + f[3] for f in fronts]
    print(f"  cached compile (extract + cache hit + dlopen) ms {summary(tot)}   (target <= 50 ms)")
    f = cold[2]
    print(f"  first compile: extract {f[0]:.2f} ms + cc {f[2]:.1f} ms + dlopen {f[3]:.2f} ms; process {cold[0]:.1f} ms")

main()
