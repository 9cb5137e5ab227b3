#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Source mode follows the tree: copies of Debian's 6.12 tree, edited with sed at test time (a
timeout constant, a log string, the order of two steps, a call the shim lacks), each run must show
the edit; a tree of symlinks runs like the tree itself and nothing is written into it; a directory
that is no tree is an exit-2 message.

usage: tree_edits.py STOPSIM SCENARIO_DIR
"""
import os, shutil, subprocess, sys, tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import srctest

SMP = "arch/arm64/kernel/smp.c"
failures = []

def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)

def copy_tree(src, dst):
    for rel in ("Makefile", SMP):
        os.makedirs(os.path.dirname(os.path.join(dst, rel)) or dst, exist_ok=True)
        shutil.copy(os.path.join(src, rel), os.path.join(dst, rel))

def sed(tree, *exprs):
    cmd = ["sed", "-i"]
    for e in exprs:
        cmd += ["-e", e]
    subprocess.run(cmd + [os.path.join(tree, SMP)], check=True)

def snapshot(d):
    out = []
    for base, dirs, files in os.walk(d):
        for n in sorted(dirs + files):
            p = os.path.join(base, n)
            st = os.lstat(p)
            out.append((os.path.relpath(p, d), st.st_mtime_ns, st.st_size))
    return sorted(out)

def rung(j, name):
    return [r for r in j["rungs"] if r["name"] == name]

def texts(j):
    return [l["text"] for l in j["log"]]

def main():
    stopsim, scen = sys.argv[1], sys.argv[2]
    t612 = srctest.trees()["6.12"]
    wedged = os.path.join(scen, "arm64", "daif-wedged-v6.12.yaml")
    clean = os.path.join(scen, "arm64", "clean-stop.yaml")
    tmp = tempfile.mkdtemp(prefix="stopsim-tree-edits-")
    try:
        _, base, _ = srctest.run(stopsim, wedged, t612)
        _, base_clean, _ = srctest.run(stopsim, clean, t612)
        irq = rung(base, "irq")[0]
        # 10^6 x (udelay(1) + one condition check of costs.check_cycles)
        per = 1000 + 4 * 1e9 / base["clock_hz"]
        check(abs((irq["ended_ns"] - irq["sent_ns"]) - 1e6 * per) < 100, "unedited 6.12: the IRQ rung waits 1 s")

        # 1. a timeout constant: the first rung waits 250 ms instead of 1 s
        t = os.path.join(tmp, "timeout")
        copy_tree(t612, t)
        sed(t, "s/\\ttimeout = USEC_PER_SEC;/\\ttimeout = USEC_PER_MSEC * 250;/")
        rc, j, err = srctest.run(stopsim, wedged, t)
        r = rung(j, "irq")[0] if j else None
        check(r is not None and abs((r["ended_ns"] - r["sent_ns"]) - 250e3 * per) < 100,
              "timeout edited to 250 ms: the IRQ rung waits 250 ms (%s)" % (r and (r["ended_ns"] - r["sent_ns"])))
        check(j is not None and j["kernel_source"]["code_sha256"] != base["kernel_source"]["code_sha256"],
              "the edited tree has another code hash")

        # 2. a log string
        t = os.path.join(tmp, "logstring")
        copy_tree(t612, t)
        sed(t, "s/SMP: stopping secondary CPUs/SMP: halting the other CPUs/")
        rc, j, err = srctest.run(stopsim, wedged, t)
        check(j is not None and "SMP: halting the other CPUs" in texts(j) and
              "SMP: stopping secondary CPUs" not in texts(j), "log string edited: the console shows the new line")

        # 3. the order of two steps: the stop IPI goes out before the "stopping" line is printed
        t = os.path.join(tmp, "order")
        copy_tree(t612, t)
        sed(t, "/^void smp_send_stop(void)$/,/^}/{/^\tsmp_cross_call(&mask, IPI_CPU_STOP);$/d;"
               "/^\tif (system_state <= SYSTEM_RUNNING)$/i\\\tsmp_cross_call(\\&mask, IPI_CPU_STOP);\n}")
        body = open(os.path.join(t, SMP)).read()
        check(body.find("smp_cross_call(&mask, IPI_CPU_STOP);\n\tif (system_state <= SYSTEM_RUNNING)") > 0,
              "sed moved the IPI before the line")
        def line_t(j, text):
            return next(l["t_ns"] for l in j["log"] if l["text"] == text)
        rc, j, err = srctest.run(stopsim, wedged, t)
        a = rung(base, "irq")[0]["sent_ns"] > line_t(base, "SMP: stopping secondary CPUs")
        b = j is not None and rung(j, "irq")[0]["sent_ns"] < line_t(j, "SMP: stopping secondary CPUs")
        check(a and b, "unedited: line then IPI; edited: IPI then line")

        # 4. a call the shim lacks: exit 2 naming the line in the user's tree
        t = os.path.join(tmp, "missing")
        copy_tree(t612, t)
        sed(t, "/^void smp_send_stop(void)$/,/^{/{s/^{/{\\n\\tstopsim_no_such_helper();/}")
        lines = open(os.path.join(t, SMP)).read().split("\n")
        n = next(i + 1 for i, l in enumerate(lines) if "stopsim_no_such_helper" in l)
        rc, j, err = srctest.run(stopsim, wedged, t)
        want = "stopsim: %s/%s:%d: needs 'stopsim_no_such_helper()', which the stopsim kernel shim does not provide\n" % (t, SMP, n)
        check(rc == 2 and err == want, "missing shim function: exit 2, %r (got %d, %r)" % (want, rc, err))

        # 5. a tree of symlinks runs like the tree, and nothing is written into either
        t = os.path.join(tmp, "links")
        os.makedirs(os.path.join(t, os.path.dirname(SMP)))
        for rel in ("Makefile", SMP):
            os.symlink(os.path.join(t612, rel), os.path.join(t, rel))
        before, before_src = snapshot(t), snapshot(t612)
        rc, j, err = srctest.run(stopsim, wedged, t)
        same = j is not None and {k: v for k, v in j.items() if k not in ("stats", "kernel_source")} == \
            {k: v for k, v in base.items() if k not in ("stats", "kernel_source")}
        check(same and j["kernel_source"]["code_sha256"] == base["kernel_source"]["code_sha256"],
              "tree of symlinks: the same run and the same code hash")
        check(snapshot(t) == before and snapshot(t612) == before_src, "nothing written into the trees")

        # 6. `stopsim list --kernel-source DIR`: what would be compiled
        p = subprocess.run([stopsim, "list", "--kernel-source", t612], capture_output=True, text=True, env=srctest.env())
        out = p.stdout
        check(p.returncode == 0 and "Linux 6.12." in out and "function smp_send_stop  (manifest)" in out and
              "function num_other_online_cpus" in out and "variable crash_stop" in out and
              "IPIs: IPI_RESCHEDULE IPI_CALL_FUNC IPI_CPU_STOP IPI_CPU_STOP_NMI" in out,
              "list --kernel-source shows the functions, variables and IPIs")

        # 7. not a tree
        rc, j, err = srctest.run(stopsim, wedged, os.path.join(tmp, "nowhere"))
        check(rc == 2 and "no such directory" in err, "a missing directory: exit 2 (%r)" % err)
        os.makedirs(os.path.join(tmp, "empty"))
        rc, j, err = srctest.run(stopsim, wedged, os.path.join(tmp, "empty"))
        check(rc == 2 and "not a Linux tree" in err, "a directory without a top Makefile: exit 2 (%r)" % err)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(1 if failures else 0)

main()
