#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Every scenario's console output and JSON report (host timings aside) against the copy recorded
in tests/golden/: a refactoring of the engine must leave them byte for byte the same, and a change
that means to alter a scenario's behaviour shows up here and is recorded on purpose with
`golden.py EXE SCENARIOS GOLDEN --update` (say why in the commit).

usage: golden.py EXE SCENARIO_DIR GOLDEN_DIR [--update]
"""
import difflib
import json
import pathlib
import subprocess
import sys
import tempfile

HOST_FIELDS = ("host_ns", "host_sim_ns", "host_stop_ns")


def outputs(exe, scenario, root, tmp):
    out = pathlib.Path(tmp) / "r.json"
    p = subprocess.run([exe, "run", str(scenario), "--json", str(out)], capture_output=True, text=True, timeout=300)
    if p.returncode not in (0, 1):
        raise SystemExit(f"{scenario}: exit {p.returncode}\n{p.stderr}")
    report = json.loads(out.read_text())
    for k in HOST_FIELDS:
        report["stats"].pop(k, None)
    report["file"] = str(scenario.relative_to(root))  # where the checkout lives is not behaviour
    return p.stdout, json.dumps(report, sort_keys=True, indent=1) + "\n"


def main():
    exe, root, golden = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
    update = "--update" in sys.argv[4:]
    scenarios = sorted(root.rglob("*.yaml"))
    if not scenarios:
        raise SystemExit("no scenarios found")
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for sc in scenarios:
            rel = str(sc.relative_to(root))[:-len(".yaml")]
            console, report = outputs(exe, sc, root, tmp)
            if update:
                (golden / rel).parent.mkdir(parents=True, exist_ok=True)
                pathlib.Path(f"{golden / rel}.console").write_text(console)
                pathlib.Path(f"{golden / rel}.json").write_text(report)
                passed += 1
                continue
            ok = True
            for suffix, got in ((".console", console), (".json", report)):
                f = pathlib.Path(f"{golden / rel}{suffix}")
                if not f.exists():
                    print(f"MISSING golden {f} for {rel}")
                    ok = False
                    continue
                want = f.read_text()
                if want != got:
                    ok = False
                    print(f"DIFFERS: {rel}{suffix}")
                    sys.stdout.writelines(list(difflib.unified_diff(
                        want.splitlines(True), got.splitlines(True), "golden", "now", n=1))[:40])
            if ok:
                passed += 1
            else:
                failed += 1
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
