#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Source mode follows the tree, x86 and RISC-V: copies of Debian's trees, edited with sed at test
time (a timeout constant, a log string), each run must show the edit: the rung waits the edited
time, the console prints the edited line, the code hash changes.

usage: tree_edits_x86_riscv.py STOPSIM SCENARIO_DIR
"""
import os, shutil, subprocess, sys, tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import srctest

X86_FILES = ("arch/x86/kernel/smp.c", "arch/x86/kernel/process.c", "arch/x86/kernel/reboot.c",
             "arch/x86/kernel/crash.c")
RISCV_FILES = ("arch/riscv/kernel/smp.c",)
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def copy_tree(src, dst, files):
    for rel in ("Makefile",) + files:
        os.makedirs(os.path.dirname(os.path.join(dst, rel)) or dst, exist_ok=True)
        shutil.copy(os.path.join(src, rel), os.path.join(dst, rel))


def sed(tree, rel, *exprs):
    cmd = ["sed", "-i"]
    for e in exprs:
        cmd += ["-e", e]
    subprocess.run(cmd + [os.path.join(tree, rel)], check=True)


def rung(j, name):
    return [r for r in j["rungs"] if r["name"] == name] if j else []


def texts(j):
    return [l["text"] for l in j["log"]] if j else []


def length(r):
    return r["ended_ns"] - r["sent_ns"]


def main():
    stopsim, scen = sys.argv[1], sys.argv[2]
    trees = srctest.trees()
    tmp = tempfile.mkdtemp(prefix="stopsim-tree-edits-x86-riscv-")
    try:
        # ---- x86 (6.12): CPU 2 spins with IF=0, so the REBOOT_VECTOR wait runs to its end ----
        x86 = trees["6.12"]
        wedged = os.path.join(scen, "x86", "irq-off-wedged-v6.5.yaml")
        _, base, _ = srctest.run(stopsim, wedged, x86)
        per = 1000 + 4 * 1e9 / base["clock_hz"]  # udelay(1) + one condition check
        irq = rung(base, "irq")[0]
        check(abs(length(irq) - 1e6 * per) < 100, "x86 unedited: the REBOOT_VECTOR wait is 1 s (%s ns)" % length(irq))

        t = os.path.join(tmp, "x86-timeout")
        copy_tree(x86, t, X86_FILES)
        sed(t, X86_FILES[0], "/^static void native_stop_other_cpus/,/^}/s/\\ttimeout = USEC_PER_SEC;/\\ttimeout = USEC_PER_MSEC * 250;/")
        rc, j, err = srctest.run(stopsim, wedged, t)
        r = rung(j, "irq")
        check(r and abs(length(r[0]) - 250e3 * per) < 100,
              "x86 timeout edited to 250 ms: the REBOOT_VECTOR wait is 250 ms (%s)" % (r and length(r[0])))
        check(j is not None and j["kernel_source"]["code_sha256"] != base["kernel_source"]["code_sha256"],
              "x86: the edited tree has another code hash")

        t = os.path.join(tmp, "x86-log")
        copy_tree(x86, t, X86_FILES)
        sed(t, X86_FILES[0], "s/Shutting down cpus with NMI/Edited: NMI to the CPUs left/")
        rc, j, err = srctest.run(stopsim, wedged, t)
        check(rc == 1 and "Edited: NMI to the CPUs left" in texts(j) and "Shutting down cpus with NMI" not in texts(j),
              "x86 log string edited: the console shows the new line (and the scenario's expectation fails: exit %d)" % rc)

        # ---- RISC-V (6.1, the pre-ipi-mux IPI path): hart 2 spins with SIE=0 through a kdump ----
        rv = trees["6.1"]
        sie = os.path.join(scen, "riscv", "sie-wedged-v6.x.yaml")
        _, rbase, _ = srctest.run(stopsim, sie, rv)
        r0 = rung(rbase, "irq")[0]
        check(abs(length(r0) - 1e6 * per) < 200, "riscv unedited: the crash IPI wait is 1 s (%s ns)" % length(r0))

        t = os.path.join(tmp, "riscv-timeout")
        copy_tree(rv, t, RISCV_FILES)
        sed(t, RISCV_FILES[0], "/^void crash_smp_send_stop/,/^}/s/\\ttimeout = USEC_PER_SEC;/\\ttimeout = USEC_PER_MSEC * 40;/")
        rc, j, err = srctest.run(stopsim, sie, t)
        r = rung(j, "irq")
        check(r and abs(length(r[0]) - 40e3 * per) < 200,
              "riscv timeout edited to 40 ms: the crash IPI wait is 40 ms (%s)" % (r and length(r[0])))

        t = os.path.join(tmp, "riscv-log")
        copy_tree(rv, t, RISCV_FILES)
        sed(t, RISCV_FILES[0], "s/SMP: failed to stop secondary CPUs/SMP: these harts did not stop:/")
        rc, j, err = srctest.run(stopsim, sie, t)
        check(j is not None and "SMP: these harts did not stop: 1-3" in texts(j) and
              not any(x.startswith("SMP: failed to stop") for x in texts(j)),
              "riscv log string edited: the console shows the new line")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
