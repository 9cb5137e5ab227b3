#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The command line as a user meets it: exit codes, help, list, validate, the JSON report's
fields, the trace file, a failing expectation, --seed, and the exactness of the poll loop."""
import json
import pathlib
import subprocess
import sys
import tempfile

EXE = sys.argv[1]
LIB = pathlib.Path(sys.argv[2])
results = []


def sh(*args, timeout=120):
    return subprocess.run([EXE, *args], capture_output=True, text=True, timeout=timeout)


def check(name, cond, detail=""):
    results.append(bool(cond))
    print(("ok   " if cond else "FAIL ") + name + ("" if cond else f": {detail}"))


def main():
    p = sh()
    check("no command: exit 2 with usage", p.returncode == 2 and "usage:" in p.stderr, p)
    p = sh("frobnicate")
    check("unknown command: exit 2", p.returncode == 2 and "unknown command" in p.stderr, p)
    p = sh("run")
    check("run without FILE: exit 2", p.returncode == 2 and "missing scenario FILE" in p.stderr, p)
    p = sh("run", str(LIB / "arm64/clean-stop.yaml"), "--bogus")
    check("unknown option: exit 2", p.returncode == 2 and "bogus" in p.stderr, p)
    p = sh("run", str(LIB / "arm64/clean-stop.yaml"), "--seed", "many")
    check("bad option value: exit 2", p.returncode == 2, p)
    p = sh("run", "/nonexistent/x.yaml")
    check("missing file: exit 2 with FILE:0:0", p.returncode == 2 and "/nonexistent/x.yaml:0:0: cannot open file" in p.stderr, p)
    for cmd in ([], ["run"], ["validate"], ["list"]):
        p = sh(*cmd, "--help")
        check(f"{' '.join(cmd) or 'top'} --help: exit 0", p.returncode == 0 and p.stdout, p)
    p = sh("--version")
    check("--version", p.returncode == 0 and p.stdout.startswith("stopsim "), p)

    files = sorted(LIB.rglob("*.yaml"))
    p = sh("list", "--dir", str(LIB))
    check("list: exit 0", p.returncode == 0, p)
    for v in ("arm64-v6.6", "arm64-v6.7", "arm64-v6.12"):
        check(f"list shows variant {v}", f"  {v} " in p.stdout)
    for f in files:
        rel = str(f.relative_to(LIB))
        check(f"list shows {rel}", rel in p.stdout and "(invalid" not in p.stdout)
    p = sh("validate", *map(str, files))
    check("validate the whole library: exit 0", p.returncode == 0 and p.stdout.count(": ok (") == len(files), p)
    check("every library scenario carries expectations", "no expectations" not in p.stdout, p.stdout)

    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        rep, trace = tmp / "r.json", tmp / "t.json"
        p = sh("run", str(LIB / "arm64/pmr-wedged-v6.12.yaml"), "--json", str(rep), "--trace", str(trace))
        check("run with --json/--trace: exit 0", p.returncode == 0, p)
        check("console has kernel-style lines", "][    C0] SMP: stopping secondary CPUs" in p.stdout, p.stdout)
        j = json.loads(rep.read_text())
        for key in ("scenario", "seed", "arch", "variant", "cpus", "outcome", "trigger", "rungs", "cpu_states",
                    "log", "invariants", "expectations", "stats"):
            check(f"report has '{key}'", key in j)
        check("trigger fields", set(j["trigger"]) == {"cpu", "event", "t_ns"}, j["trigger"])
        check("rung fields", all({"name", "targets", "sent_ns", "ended_ns", "timed_out"} <= set(r) for r in j["rungs"]))
        check("cpu_state fields", all({"cpu", "online", "stopped_by", "stopped_ns", "crash_regs_saved", "final"} <= set(c)
                                      for c in j["cpu_states"]))
        check("stopped_by values", [c["stopped_by"] for c in j["cpu_states"]] == [None, "irq", "pseudo_nmi", "irq"],
              [c["stopped_by"] for c in j["cpu_states"]])
        check("log fields", all({"t_ns", "cpu", "level", "text"} <= set(l) for l in j["log"]))
        check("stats fields", {"sim_ns", "host_ns", "events"} <= set(j["stats"]), j["stats"])
        t = json.loads(trace.read_text())
        names = {e["args"]["name"] for e in t["traceEvents"] if e.get("name") == "thread_name"}
        check("trace: one track per CPU", names == {f"CPU {i}" for i in range(4)}, names)
        check("trace: has rung spans", any(e.get("name") == "rung pseudo_nmi" for e in t["traceEvents"]))

        p = sh("run", str(LIB / "arm64/clean-stop.yaml"), "--json", "-", "--seed", "77")
        check("--json - writes the report to stdout", p.returncode == 0 and json.loads(p.stdout)["seed"] == 77, p.stderr)

        wrong = tmp / "wrong.yaml"
        wrong.write_text((LIB / "arm64/daif-wedged-v6.6.yaml").read_text().replace(
            "outcome: cpus_left_online", "outcome: all_stopped"))
        p = sh("run", str(wrong))
        check("a failed expectation: exit 1 and FAIL line", p.returncode == 1 and "FAIL  outcome is all_stopped" in p.stdout, p)
        p = sh("run", str(wrong), "--quiet")
        check("--quiet prints nothing", p.returncode == 1 and p.stdout == "", p.stdout)

        # The poll loop is exact: T udelay(1) of 2500 cycles and T+1 checks of 4 cycles, after the
        # 80 cycles of DSB, SGI1R write and ISB that follow the rung's start.
        exact = tmp / "exact.yaml"
        for budget in (1000, 1000000):
            exact.write_text(f"""name: exact
platform: {{arch: arm64, cpus: 2, clock_mhz: 2500}}
kernel: {{variant: arm64-v6.12, timeouts: {{stop_us: {budget}}}}}
cpus:
  - {{cpu: 1, workload: [{{spin: {{mask: daif, forever: true}}}}]}}
triggers:
  - {{event: panic, cpu: 0, at_us: 10}}
""")
            j = json.loads(sh("run", str(exact), "--json", "-").stdout)
            r = j["rungs"][0]
            cycles = 80 + (budget + 1) * 4 + budget * 2500
            check(f"poll of {budget} us lasts exactly {cycles} cycles",
                  abs((r["ended_ns"] - r["sent_ns"]) - cycles * 0.4) < 1e-6, r)

    # Trigger contexts on x86 and RISC-V (arm64's have scenarios): a kdump from an interrupt
    # handler stops the others, and the panicking CPU's registers come from that handler.
    with tempfile.TemporaryDirectory() as tmp:
        for arch, variant, ctx in (("x86", "x86-v6.5", "irq"), ("x86", "x86-v6.5", "nmi"),
                                   ("riscv", "riscv-v6.x", "irq")):
            f = pathlib.Path(tmp) / f"{arch}-{ctx}.yaml"
            f.write_text(f"""name: ctx
platform: {{arch: {arch}, cpus: 4}}
kernel: {{variant: {variant}}}
triggers:
  - {{event: kdump, cpu: 1, at_us: 10, context: {ctx}}}
expect:
  outcome: all_stopped
  crash_regs_from: {{1: {ctx}}}
""")
            p = sh("run", str(f), "--json", "-")
            j = json.loads(p.stdout) if p.returncode == 0 else {}
            ok = p.returncode == 0 and j.get("outcome") == "all_stopped" and \
                j["cpu_states"][1]["crash_regs_from"] == ctx
            check(f"{arch} kdump from {ctx} context: all stopped, CPU 1's registers from {ctx}", ok,
                  p.stdout[-400:] + p.stderr)

    print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
