#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Every tests/bad/*.yaml must be refused by both `validate` and `run` with exit 2, never a crash,
with exactly the FILE:LINE:COL messages of its .expected file ({file} stands for the path)."""
import pathlib
import re
import subprocess
import sys

LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): .+$")


def main():
    exe, root = sys.argv[1], pathlib.Path(sys.argv[2])
    cases = sorted(root.glob("*.yaml"))
    if not cases:
        raise SystemExit("no bad scenarios found")
    passed = failed = 0
    for case in cases:
        expected_file = case.with_suffix(".expected")
        expected = expected_file.read_text().replace("{file}", str(case)).splitlines()
        problems = []
        for cmd in ("validate", "run"):
            p = subprocess.run([exe, cmd, str(case)], capture_output=True, text=True, timeout=60)
            got = p.stderr.splitlines()
            if p.returncode != 2:
                problems.append(f"{cmd}: exit {p.returncode}, expected 2")
            if p.stdout:
                problems.append(f"{cmd}: printed to stdout: {p.stdout[:200]!r}")
            for line in got:
                m = LINE.match(line)
                if not m or m.group("file") != str(case) or int(m.group("line")) < 1 or int(m.group("col")) < 1:
                    problems.append(f"{cmd}: not a FILE:LINE:COL message: {line!r}")
            if got != expected:
                problems.append(f"{cmd}: messages differ\n  expected: {expected}\n  got:      {got}")
        if problems:
            failed += 1
            print(f"FAIL {case.name}:\n  " + "\n  ".join(problems))
        else:
            passed += 1
            print(f"ok   {case.name} ({len(expected)} messages)")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
