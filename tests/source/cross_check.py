#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Source mode against the transcription: every shipped scenario whose variant has a counterpart
among the Debian trees (docs/source-mode.md, "Pairing") runs both ways; the two runs must agree on
the console lines (text, CPU, level, time), the outcome, the rungs, every CPU's final state,
stopped_by and stop time, the invariants and the expectations. Exact: the tolerance is zero,
except where a known disagreement is listed in KNOWN below with the reason.

usage: cross_check.py STOPSIM SCENARIO_DIR
"""
import json, os, subprocess, sys, tempfile, glob
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import srctest

# The pairing (docs/source-mode.md): the transcribed era and the Debian tree whose code it transcribes.
PAIRS = {"arm64-v6.6": "6.1", "arm64-v6.12": "6.12"}

def run(stopsim, f, tree, env):
    rc, j, err = srctest.run(stopsim, f, tree)
    if j is None:
        raise SystemExit(f"{f} ({tree or 'transcription'}): exit {rc}\n{err}")
    return j, rc

def view(j):
    return {
        "log": [(float(l["t_ns"]), l["cpu"], l["level"], l["text"]) for l in j["log"]],
        "outcome": j["outcome"],
        "rungs": j["rungs"],
        "cpu_states": j["cpu_states"],
        "invariants": j["invariants"],
        "expectations": j["expectations"],
        "end": {k: j.get(k) for k in ("end", "trigger", "stop")},
    }

STORE_CYCLES = 20  # costs.store_cycles default (sim/scenario/scenario.hpp); no shipped pair overrides it

def same(x, y, shift, key=""):
    """Equal, except that a time (a *_ns field, or a log line's time) may be exactly `shift` earlier in source mode."""
    if isinstance(x, dict) and isinstance(y, dict):
        return x.keys() == y.keys() and all(same(x[k], y[k], shift, k) for k in x)
    if isinstance(x, (list, tuple)) and isinstance(y, (list, tuple)):
        return len(x) == len(y) and all(same(p, q, shift, key if i else key + "[0]") for i, (p, q) in enumerate(zip(x, y)))
    if isinstance(x, float) and isinstance(y, float) and (key.endswith("_ns") or key.endswith("[0]")) and shift:
        return x == y or abs((x - y) - shift) < 1e-6
    return x == y

def main():
    stopsim, scen_dir = sys.argv[1], sys.argv[2]
    trees = srctest.trees()
    env = None
    files = []
    for f in sorted(glob.glob(os.path.join(scen_dir, "**", "*.yaml"), recursive=True)):
        text = open(f).read()
        for v, tree in PAIRS.items():
            if f"variant: {v}\n" in text or f"variant: {v} " in text:
                files.append((f, v, trees[tree]))
    if not files:
        raise SystemExit("no scenario pairs found")
    bad = 0
    for f, v, tree in files:
        a, ra = run(stopsim, f, None, env)
        b, rb = run(stopsim, f, tree, env)
        va, vb = view(a), view(b)
        # Known disagreement 1 (docs/source-mode.md): on the kdump path the transcription charges
        # a store (costs.store_cycles) for the "crash stop requested" flag (crash_stop in 6.12,
        # cpus_stopped in 6.1); the real code writes it with a plain C store, which source mode
        # cannot see. Every time from that store on is then exactly one store earlier.
        shift = 0.0
        if "event: kdump" in open(f).read():
            shift = STORE_CYCLES * 1e9 / a["clock_hz"]
        diffs = [k for k in va if not same(va[k], vb[k], shift)]
        if ra != rb:
            diffs.append(f"exit {ra} vs {rb}")
        rel = os.path.relpath(f, scen_dir)
        if diffs:
            bad += 1
            print(f"DIFF {rel} ({v} vs {os.path.basename(tree)}): {', '.join(diffs)}")
            for k in diffs:
                if k in va:
                    x, y = va[k], vb[k]
                    if isinstance(x, list) and isinstance(y, list):
                        for i in range(max(len(x), len(y))):
                            xi = x[i] if i < len(x) else None
                            yi = y[i] if i < len(y) else None
                            if xi != yi:
                                print(f"   [{i}] transcription: {xi}\n   [{i}] source:        {yi}")
                                break
                    else:
                        print(f"   transcription: {x}\n   source:        {y}")
        else:
            print(f"same {rel} ({v} vs {os.path.basename(tree)})")
    print(f"{len(files)} scenario pairs, {bad} differ")
    sys.exit(1 if bad else 0)

if __name__ == "__main__":
    main()
