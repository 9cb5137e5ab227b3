#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Runs every scenario twice and requires byte-identical console output and JSON reports,
host timings aside (docs/outputs.md). A different --seed must also reproduce itself."""
import json
import pathlib
import subprocess
import sys
import tempfile

HOST_FIELDS = ("host_ns", "host_sim_ns", "host_stop_ns")


def run(exe, scenario, extra, tmp, tag):
    out = pathlib.Path(tmp) / f"{tag}.json"
    p = subprocess.run([exe, "run", str(scenario), "--json", str(out)] + extra,
                       capture_output=True, text=True, timeout=300)
    if p.returncode not in (0, 1):
        raise SystemExit(f"{scenario}: exit {p.returncode}\n{p.stderr}")
    report = json.loads(out.read_text())
    for k in HOST_FIELDS:
        report["stats"].pop(k, None)
    return p.stdout, json.dumps(report, sort_keys=True)


def main():
    exe, root = sys.argv[1], pathlib.Path(sys.argv[2])
    scenarios = sorted(root.rglob("*.yaml"))
    if not scenarios:
        raise SystemExit("no scenarios found")
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for sc in scenarios:
            for extra in ([], ["--seed", "12345"]):
                a = run(exe, sc, extra, tmp, "a")
                b = run(exe, sc, extra, tmp, "b")
                label = f"{sc.relative_to(root)} {' '.join(extra)}".strip()
                if a != b:
                    failed += 1
                    which = "console output" if a[0] != b[0] else "JSON report"
                    print(f"NOT DETERMINISTIC: {label}: {which} differs")
                else:
                    print(f"deterministic: {label}")
    print(f"{2 * len(scenarios) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
