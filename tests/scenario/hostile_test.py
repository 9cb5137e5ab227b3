#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Hostile inputs that are valid scenarios (or hostile file names): each must end as a run with the
right result, or as exit 2 with FILE:LINE:COL messages, never as a crash (exit 3), a hang or a
flood of output. Usage: hostile_test.py STOPSIM TESTS_BAD_DIR"""
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name}\n  {detail}")


class TimedOut:
    returncode = "timeout (no limit ended the run)"
    stdout = stderr = b""


def run(exe, *args, timeout=120):
    try:
        return subprocess.run([exe, *map(str, args)], capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return TimedOut()


HEAD = """name: hostile/{name}
platform: {{arch: arm64, cpus: 2{extra}}}
kernel:
  variant: arm64-v6.12
{kernel}"""


def scenario(tmp, name, body, extra="", kernel=""):
    p = tmp / f"{name}.yaml"
    p.write_text(HEAD.format(name=name, extra=extra, kernel=kernel) + body)
    return p


def main():
    exe, bad = sys.argv[1], pathlib.Path(sys.argv[2])
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="stopsim-hostile-"))
    try:
        # A lock step that takes no simulated time, forever (no hold, no gap, no mask, stores and
        # system-register writes free): the no-progress limit ends the run.
        f = scenario(tmp, "zero-time-lock", """cpus:
  - cpu: 1
    workload:
      - lock: {name: a, hold_us: 0, mask: none, forever: true}
triggers:
  - {event: panic, cpu: 0, at_us: 10}
expect:
  outcome: hang
""", extra=", latencies: {sysreg_cycles: 0}", kernel="  costs: {store_cycles: 0}\n")
        p = run(exe, "run", f, "--json", tmp / "z.json", timeout=60)
        out = p.stdout.decode()
        j = json.loads((tmp / "z.json").read_text()) if (tmp / "z.json").exists() else {}
        why = "no simulated progress: CPU 1 ran 1000000 rounds of cpus[0].workload[0] (lock a, line 9)"
        check("zero-time lock: outcome hang, exit 0", p.returncode == 0 and "outcome: hang" in out, out[-800:])
        check("zero-time lock: console names the CPU and the step", why in out, out[-800:])
        check("zero-time lock: JSON names the CPU and the step",
              j.get("outcome") == "hang" and why in (j.get("end") or {}).get("how", ""), str(j.get("end")))

        # 5125 delays that add up to 2^64 ps + 10 us: the IPI must never arrive, not after 10 us.
        faults = "".join("  - {kind: delay_ipi, cpu: 1, ipi: IPI_CPU_STOP, delay_us: 3600000000}\n" for _ in range(5124))
        faults += "  - {kind: delay_ipi, cpu: 1, ipi: IPI_CPU_STOP, delay_us: 344073719.561616}\n"
        f = scenario(tmp, "delay-sum", "faults:\n" + faults + """triggers:
  - {event: panic, cpu: 0, at_us: 10}
expect:
  outcome: cpus_left_online
  stopped_by: {1: null}
limits: {max_sim_ms: 1500}
""")
        p = run(exe, "run", f, "--quiet")
        check("delays that add past 2^64 ps saturate (the IPI never arrives)", p.returncode == 0,
              f"exit {p.returncode}: {p.stderr.decode()[-400:]}")

        # A trigger due exactly at the simulated-time limit does not run, and says why.
        f = scenario(tmp, "at-limit", """triggers:
  - {event: panic, cpu: 0, at_us: 1000}
limits: {max_sim_ms: 1}
""")
        p = run(exe, "run", f)
        out = p.stdout.decode()
        check("trigger at the limit: reported as due at the limit",
              "did not run: due at or after the simulated-time limit (limits.max_sim_ms)" in out, out[-600:])
        f = scenario(tmp, "before-limit", """triggers:
  - {event: panic, cpu: 0, at_us: 999.999999}
limits: {max_sim_ms: 1}
""")
        p = run(exe, "run", f)
        out = p.stdout.decode()
        check("trigger 1 ps before the limit fires", p.returncode == 0 and "did not run" not in out and
              "  0  yes     -           -            no          running  panic" in out, out[-600:])

        # A valid scenario under a file name that is not UTF-8: the JSON report is still UTF-8.
        src = tmp / "at-limit.yaml"
        odd = tmp / os.fsdecode(b"\xff\xfe-name.yaml")
        shutil.copy(src, odd)
        p = run(exe, "run", odd, "--json", "-")
        try:
            j = json.loads(p.stdout.decode("utf-8"))
            good = p.returncode == 0 and j["file"].endswith("\\xff\\xfe-name.yaml")
        except (ValueError, KeyError) as e:
            good, j = False, str(e)
        check("file name that is not UTF-8: JSON report written", good, f"exit {p.returncode}: {p.stderr.decode()[-300:]}")

        # A file name with a newline: every message stays one FILE:LINE:COL line.
        nl = tmp / "two\nlines.yaml"
        shutil.copy(bad / "wrong-types.yaml", nl)
        p = run(exe, "validate", nl)
        lines = p.stderr.decode().splitlines()
        want = str(tmp) + "/two\\x0alines.yaml:"
        check("file name with a newline: escaped in every message",
              p.returncode == 2 and lines and all(l.startswith(want) for l in lines), repr(lines[:3]))

        # A directory is a read error.
        for cmd in (["validate", tmp], ["run", tmp], ["run", tmp, "--set", "seed=2"]):
            p = run(exe, *cmd)
            err = p.stderr.decode()
            check(f"directory ({cmd[0]}{' --set' if len(cmd) > 2 else ''}): exit 2, is a directory",
                  p.returncode == 2 and err == f"{tmp}:0:0: cannot read: is a directory\n", f"exit {p.returncode}: {err!r}")

        # 300 unknown keys of 1000 non-ASCII bytes: at most 64 KiB of messages, then a count.
        keys = "".join(f"k{i}{chr(0xe9) * 1000}: 1\n" for i in range(300))
        f = tmp / "flood.yaml"
        f.write_text("name: flood\n" + keys, encoding="latin-1")
        p = run(exe, "validate", f)
        err = p.stderr.decode()
        lines = err.splitlines()
        check("error flood: bounded output", p.returncode == 2 and len(err) <= 64 * 1024 + 1024 and
              lines and " more errors (only the first " in lines[-1], f"{len(err)} bytes, last: {lines[-1][:200] if lines else ''}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
