#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""stopsim sweep / replay / merge / summary / explore, as a user running overnight studies meets them:
the same rows whatever --jobs or --shard, resume after a kill -9 with no row lost or doubled, a
crashing and a hanging run recorded as error / timeout, replay identity (checked here with hashlib
and the JSON Lines reports, not only by stopsim itself), usage errors, the plot, and explore finding
the bug-3 window of scenarios/arm64/late-irq-window.yaml to the cycle.

Nothing here depends on how fast the host is: the sweep is killed at a point the hang hook makes
certain (its one worker held), waits are for conditions (with a generous cap that only a broken
build reaches), and after the kill only what is guaranteed is checked: every process of the sweep
ends (parent-death signals), and the next --resume leaves no temporary folder behind."""
import csv
import hashlib
import io
import json
import os
import pathlib
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

EXE = os.path.abspath(sys.argv[1])
LIB = pathlib.Path(sys.argv[2]).resolve()
results = []

# Jitter makes the seed matter; a PMR-masked spin of for_us against a 1 ms IRQ rung makes the
# outcome and the stopping rung depend on the swept values.
SCENARIO = """name: test/sweep
platform:
  arch: arm64
  cpus: 4
  clock_mhz: 2500
  latencies: {sgi_jitter_cycles: 300}
kernel:
  variant: arm64-v6.12
  pseudo_nmi: true
  timeouts: {stop_us: 1000}
cpus:
  - cpu: 2
    workload:
      - spin: {mask: pmr, for_us: 500}
triggers:
  - {event: panic, cpu: 0, at_us: 100, message: "test: sweep"}
"""
SETS = ["--set", "cpus.0.workload.0.spin.for_us=200:1400:300", "--set", "cpus.0.workload.0.spin.mask=none,pmr"]
HOST = ("host_ns", "host_sim_ns", "host_stop_ns")


def sh(*args, timeout=300, env=None, cwd=None):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run([EXE, *map(str, args)], capture_output=True, text=True, timeout=timeout, env=e, cwd=cwd)


def check(name, cond, detail=""):
    results.append(bool(cond))
    print(("ok   " if cond else "FAIL ") + name + ("" if cond else f": {str(detail)[:2000]}"), flush=True)


def rows_of(path):
    return list(csv.DictReader(io.StringIO(pathlib.Path(path).read_text())))


def data_lines(path):
    try:
        return max(0, pathlib.Path(path).read_bytes().count(b"\n") - 1)
    except FileNotFoundError:
        return 0


def replay_argv(cmd):
    words = shlex.split(cmd)
    assert words[0] == "stopsim" and words[1] == "run", cmd
    return [EXE] + words[1:]


def orphans(marker):
    """Processes whose command line mentions `marker` (our temporary folder)."""
    found = []
    for d in pathlib.Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if marker.encode() in (d / "cmdline").read_bytes():
                    found.append(d.name)
            except OSError:
                pass
    return found


def test_determinism(tmp, sc):
    p = sh("sweep", sc, *SETS, "--seeds", "1..4", "--jobs", "1", "--out", tmp / "j1.csv", "--jsonl", tmp / "j1.jsonl", cwd=tmp)
    check("sweep --jobs 1: exit 0", p.returncode == 0, p.stderr)
    check("sweep prints the summary table", "outcomes by cpus.0.workload.0.spin.for_us:" in p.stdout and
          "outcomes by cpus.0.workload.0.spin.mask:" in p.stdout, p.stdout)
    check("plain progress lines when stderr is not a terminal", "sweep: 40/40 100%" in p.stderr and "\r" not in p.stderr, p.stderr)
    p = sh("sweep", sc, *SETS, "--seeds", "1..4", "--jobs", "2", "--out", tmp / "j2.csv", "--jsonl", tmp / "j2.jsonl", cwd=tmp)
    check("sweep --jobs 2: exit 0", p.returncode == 0, p.stderr)
    for k in (1, 2, 3):
        p = sh("sweep", sc, *SETS, "--seeds", "1..4", "--shard", f"{k}/3", "--out", tmp / f"s{k}.csv",
               "--jsonl", tmp / f"s{k}.jsonl", "-q", cwd=tmp)
        check(f"sweep --shard {k}/3: exit 0", p.returncode == 0, p.stderr)
    check("shards split the runs", [data_lines(tmp / f"s{k}.csv") for k in (1, 2, 3)] == [14, 13, 13],
          [data_lines(tmp / f"s{k}.csv") for k in (1, 2, 3)])
    p = sh("merge", "--out", tmp / "m.csv", tmp / "s3.csv", tmp / "s1.csv", tmp / "s2.csv")
    check("merge CSV: exit 0", p.returncode == 0, p.stderr)
    p = sh("merge", "--out", tmp / "m.jsonl", tmp / "s2.jsonl", tmp / "s3.jsonl", tmp / "s1.jsonl")
    check("merge JSONL: exit 0", p.returncode == 0, p.stderr)
    j1 = (tmp / "j1.csv").read_bytes()
    check("CSV identical for --jobs 1 and --jobs 2", j1 == (tmp / "j2.csv").read_bytes())
    check("CSV of merged shards identical to the unsharded sweep", j1 == (tmp / "m.csv").read_bytes())
    jl = (tmp / "j1.jsonl").read_bytes()
    check("JSONL identical for --jobs 1 and --jobs 2", jl == (tmp / "j2.jsonl").read_bytes())
    check("JSONL of merged shards identical to the unsharded sweep", jl == (tmp / "m.jsonl").read_bytes())
    p = sh("merge", "--out", tmp / "gap.csv", tmp / "s1.csv", tmp / "s3.csv")
    check("merge with a shard missing: exit 1 naming the gap", p.returncode == 1 and "missing" in p.stderr, p.stderr)

    rows = rows_of(tmp / "j1.csv")
    header = next(csv.reader(io.StringIO((tmp / "j1.csv").read_text())))
    check("CSV header", header == ["run_id", "cpus.0.workload.0.spin.for_us", "cpus.0.workload.0.spin.mask", "seed",
                                   "outcome", "exit", "stop_us", "rungs", "cpus_left_online", "stopped_by",
                                   "invariant_failures", "expectations", "console_sha256", "report_sha256", "error",
                                   "replay"], header)
    check("one row per run, ids in order", [r["run_id"] for r in rows] == [f"r{i:06d}" for i in range(40)])
    # Product order: the first --set varies slowest, then the second, then seeds.
    expect = [(v, m, s) for v in ("200", "500", "800", "1100", "1400") for m in ("none", "pmr") for s in "1234"]
    got = [(r["cpus.0.workload.0.spin.for_us"], r["cpus.0.workload.0.spin.mask"], r["seed"]) for r in rows]
    check("rows enumerate the product in --set order, then seeds", got == expect, got[:6])
    check("every run has an outcome and no error", all(r["outcome"] in ("all_stopped", "cpus_left_online") and not r["error"]
                                                        for r in rows), [r["outcome"] for r in rows])
    check("stopping rungs differ across the sweep", {r["stopped_by"] for r in rows} >=
          {"0=-;1-3=irq", "0=-;1=irq;2=pseudo_nmi;3=irq"}, {r["stopped_by"] for r in rows})
    check("rungs column: name@ended_us", all(r["rungs"].startswith("irq@") for r in rows), rows[0]["rungs"])
    r0 = rows[0]
    check("replay column is an exact stopsim run command", r0["replay"] == "stopsim run sweep.yaml --set "
          "cpus.0.workload.0.spin.for_us=200 --set cpus.0.workload.0.spin.mask=none --seed 1", r0["replay"])
    by_point = {}
    for r in rows:
        by_point.setdefault((r["cpus.0.workload.0.spin.for_us"], r["cpus.0.workload.0.spin.mask"]), set()).add(r["report_sha256"])
    check("the seed feeds the jitter: some point differs across seeds", any(len(v) > 1 for v in by_point.values()))
    return rows


def test_replay(tmp, rows):
    records = {json.loads(l)["run_id"]: json.loads(l) for l in (tmp / "j1.jsonl").read_text().splitlines()}
    check("JSONL holds every run's full report", sorted(records) == [r["run_id"] for r in rows] and
          all(rec["report"]["cpu_states"] for rec in records.values()))
    for r in (rows[0], rows[17], rows[39]):
        out = tmp / "replay.json"
        p = subprocess.run(replay_argv(r["replay"]) + ["--json", str(out)], capture_output=True, text=True, cwd=tmp, timeout=60)
        check(f"{r['run_id']}: the row's command reproduces the console output (sha256)",
              hashlib.sha256(p.stdout.encode()).hexdigest() == r["console_sha256"], p.stdout[:300])
        rep = json.loads(out.read_text())
        for k in HOST:
            rep["stats"].pop(k)
        check(f"{r['run_id']}: ... and the JSON report the sweep kept", rep == records[r["run_id"]]["report"])
        p2 = sh("replay", tmp / "j1.csv", "--run", r["run_id"], cwd=tmp)
        check(f"{r['run_id']}: stopsim replay --run: exit 0, identical, same console bytes",
              p2.returncode == 0 and "identical" in p2.stderr and p2.stdout == p.stdout, p2.stderr)
    p = sh("replay", tmp / "j1.csv", "--all", cwd=tmp)
    check("replay --all: every row identical", p.returncode == 0 and "40 of 40 runs identical" in p.stderr, p.stderr)
    bad = tmp / "tampered.csv"
    text = (tmp / "j1.csv").read_text()
    bad.write_text(text.replace(rows[5]["console_sha256"], "0" * 64))
    p = sh("replay", bad, "--run", rows[5]["run_id"], cwd=tmp)
    check("replay of a row whose hash does not match: exit 1, DIFFERS", p.returncode == 1 and "DIFFERS" in p.stderr, p.stderr)
    p = sh("replay", tmp / "j1.csv", "--run", "r999999", cwd=tmp)
    check("replay of an unknown id: exit 2", p.returncode == 2 and "no run 'r999999'" in p.stderr, p.stderr)


def wait_for(cond, cap_s=180):
    """Waits until cond() holds. The cap is only there so that a broken build ends the test: nothing
    asserts how long it took."""
    deadline = time.monotonic() + cap_s
    while not cond() and time.monotonic() < deadline:
        time.sleep(0.02)
    return cond()


def test_resume(tmp, sc):
    args = [*SETS, "--seeds", "1..16"]
    p = sh("sweep", sc, *args, "--jobs", "2", "--out", tmp / "ref.csv", "--jsonl", tmp / "ref.jsonl", "-q", cwd=tmp)
    check("reference sweep of 160 runs: exit 0", p.returncode == 0, p.stderr)
    out, jl = tmp / "k.csv", tmp / "k.jsonl"
    work = tmp / "tmpdir"
    work.mkdir()
    # Run 30 hangs and holds the one worker: runs 0..29, and only those, are done when the sweep
    # is killed, whatever the machine's speed.
    marker = str(out)
    proc = subprocess.Popen([EXE, "sweep", str(sc), *args, "--jobs", "1", "--out", str(out), "--jsonl", str(jl), "-q"],
                            cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=dict(os.environ, TMPDIR=str(work), STOPSIM_TEST_HANG_AT="r000030"))
    wait_for(lambda: data_lines(out) >= 30 or proc.poll() is not None)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    before = data_lines(out)
    check("the sweep was killed mid-way, with runs 0..29 done", before == 30, before)
    # The launcher and the workers get parent-death signals: they end, however long that takes here.
    check("no worker outlives a killed sweep", wait_for(lambda: not orphans(marker)), orphans(marker))
    args += ["--jobs", "2"]
    with open(out, "a") as f:  # as if killed in the middle of a write
        f.write("r000150,1400,pm")
    with open(jl, "a") as f:
        f.write('{"run_id":"r0001')
    p = sh("sweep", sc, *args, "--out", out, "--jsonl", jl, cwd=tmp)
    check("without --resume an existing file is refused", p.returncode == 2 and "--resume" in p.stderr, p.stderr)
    p = sh("sweep", sc, *args, "--out", out, "--jsonl", jl, "--resume", cwd=tmp, env={"TMPDIR": str(work)})
    check("--resume: exit 0", p.returncode == 0, p.stderr)
    # Whether the killed sweep's launcher removed its folder or the resume found it dead and did.
    check("after --resume no temporary folder is left", not list(work.iterdir()), list(work.iterdir()))
    check("--resume says it dropped the torn line and skipped the finished runs",
          "torn" in p.stderr and f"{before} already done" in p.stderr, p.stderr)
    ids = [r["run_id"] for r in rows_of(out)]
    check("after resume: no row lost or duplicated", ids == [f"r{i:06d}" for i in range(160)], len(ids))
    check("after resume: CSV identical to the uninterrupted sweep", out.read_bytes() == (tmp / "ref.csv").read_bytes())
    check("after resume: JSONL identical to the uninterrupted sweep", jl.read_bytes() == (tmp / "ref.jsonl").read_bytes())
    p = sh("sweep", sc, *args, "--out", out, "--resume", cwd=tmp)
    check("--resume of a finished sweep runs nothing", p.returncode == 0 and "0 to run" in p.stderr, p.stderr)
    p = sh("sweep", sc, "--set", "cpus.0.workload.0.spin.for_us=1,2", "--out", out, "--resume", cwd=tmp)
    check("--resume of another sweep's file: exit 2", p.returncode == 2 and "not from this sweep" in p.stderr, p.stderr)


def test_failures(tmp, sc):
    out = tmp / "c.csv"
    env = {"STOPSIM_TEST_CRASH_AT": "r000003", "STOPSIM_TEST_HANG_AT": "r000005"}
    # The limit must be far above what one of these ~15 ms runs takes on a loaded machine, or a run
    # that is merely slow would become a timeout row too.
    p = sh("sweep", sc, "--set", "kernel.timeouts.stop_us=100:800:100", "--out", out, "--jsonl", tmp / "c.jsonl",
           "--timeout-s", "20", env=env, cwd=tmp)
    rows = {r["run_id"]: r for r in rows_of(out)}
    check("a crash and a hang do not stop the sweep: every row there, exit 1", p.returncode == 1 and len(rows) == 8,
          (p.returncode, len(rows), p.stderr))
    c = rows.get("r000003", {})
    check("the crashing run is recorded as error with its stderr tail",
          c.get("outcome") == "error" and c.get("exit") == "SIGABRT" and "aborting run r000003" in c.get("error", ""), c)
    h = rows.get("r000005", {})
    check("the hanging run is recorded as timeout", h.get("outcome") == "timeout" and "host-time limit of 20 s" in
          h.get("error", ""), h)
    check("the others are fine", all(r["outcome"] == "all_stopped" for i, r in rows.items() if i not in ("r000003", "r000005")))
    check("error/timeout runs are reported as they happen", "r000003 error" in p.stderr and "r000005 timeout" in p.stderr, p.stderr)
    p = sh("sweep", sc, "--set", "kernel.timeouts.stop_us=100:800:100", "--out", out, "--resume", cwd=tmp)
    check("--resume keeps crash and timeout rows: they are results, not host trouble",
          p.returncode == 1 and "0 to run" in p.stderr, p.stderr)
    recs = [json.loads(l) for l in (tmp / "c.jsonl").read_text().splitlines()]
    check("JSONL records the error with a null report", any(r["run_id"] == "r000003" and r["report"] is None and
                                                            r["outcome"] == "error" for r in recs))


def test_usage(tmp, sc):
    p = sh("run", sc, "--set", "kernel.timeouts.nmi_ms=5")
    check("run --set of a key the schema lacks: exit 2, lists the keys there are", p.returncode == 2 and
          "no key 'nmi_ms'" in p.stderr and "stop_us, nmi_us, crash_us, sdei_us" in p.stderr, p.stderr)
    p = sh("run", sc, "--set", "kernel.timeouts.nmi_us=7", "--set", "kernel.costs.printk_cycles=6000", "--json", "-")
    check("run --set of schema keys the file leaves to their defaults: accepted and applied",
          p.returncode in (0, 1) and {"path": "kernel.timeouts.nmi_us", "value": "7"} in json.loads(p.stdout)["overrides"]
          and {"path": "kernel.costs.printk_cycles", "value": "6000"} in json.loads(p.stdout)["overrides"],
          p.stderr + p.stdout[:400])
    p = sh("run", sc, "--set", "kernel.timeouts.stop_us=soon")
    check("run --set with a bad value: exit 2", p.returncode == 2 and "stop_us" in p.stderr, p.stderr)
    p = sh("run", sc, "--set", "kernel.variant=arm64-v0.1")
    check("run --set rejected by the loader: exit 2, names the --set", p.returncode == 2 and
          "--set kernel.variant=arm64-v0.1: kernel.variant: unknown variant" in p.stderr, p.stderr)
    p = sh("run", sc, "--set", "kernel.timeouts.stop_us=0.5ms", "--json", "-")
    j = json.loads(p.stdout) if p.returncode == 0 else {}
    check("run --set with a unit: the report records the override",
          j.get("overrides") == [{"path": "kernel.timeouts.stop_us", "value": "500"}], p.stderr or j.get("overrides"))
    p = sh("run", sc, "--set", "kernel.timeouts.stop_us=500")
    check("run --set: the console names the overrides", p.returncode == 0 and
          p.stdout.splitlines()[1] == "overrides: kernel.timeouts.stop_us=500", p.stdout[:300])
    p = sh("sweep", sc, "--set", "kernel.timeouts.stop_us=5:1:1", "--out", tmp / "u.csv")
    check("sweep with a backwards range: exit 2", p.returncode == 2 and "below" in p.stderr, p.stderr)
    p = sh("sweep", sc, "--set", "platform.cpus=1,4", "--out", tmp / "u.csv")
    check("sweep with a value the loader rejects: exit 2 before running", p.returncode == 2 and
          "would be invalid" in p.stderr and not (tmp / "u.csv").exists(), p.stderr)
    p = sh("sweep", sc, "--shard", "0/3", "--out", tmp / "u.csv")
    check("sweep --shard 0/3: exit 2", p.returncode == 2 and "--shard" in p.stderr, p.stderr)
    p = sh("sweep", sc, "--set", "kernel.timeouts.stop_us=1", "--out", tmp / "u.csv", "--plot", tmp / "u.svg",
           env={"STOPSIM_GNUPLOT": "/nonexistent/gnuplot"})
    check("--plot without gnuplot: exit 2 with a clear message, nothing run", p.returncode == 2 and
          "needs gnuplot" in p.stderr and "gnuplot-nox" in p.stderr and not (tmp / "u.csv").exists(), p.stderr)
    for cmd in ("sweep", "replay", "merge", "summary", "explore"):
        p = sh(cmd, "--help")
        check(f"{cmd} --help: exit 0", p.returncode == 0 and p.stdout, p.stderr)


def test_plot(tmp):
    if not shutil.which("gnuplot"):
        print("skip plot: gnuplot is not installed (scripts/deps.sh installs gnuplot-nox)")
        return
    p = sh("summary", tmp / "j1.csv", "--plot", tmp / "plot.svg")
    svg = (tmp / "plot.svg").read_text() if (tmp / "plot.svg").exists() else ""
    check("summary --plot draws an SVG through gnuplot", p.returncode == 0 and "<svg" in svg and "median stop time" in svg,
          p.stderr)
    p = sh("summary", tmp / "j1.csv", "--plot", tmp / "plot.png")
    png = (tmp / "plot.png").read_bytes() if (tmp / "plot.png").exists() else b""
    check("... and a PNG", p.returncode == 0 and png.startswith(b"\x89PNG"), p.stderr)


def signature(cmd, tmp):
    out = tmp / "sig.json"
    subprocess.run(replay_argv(cmd) + ["--json", str(out), "--quiet"], cwd=tmp, timeout=60)
    j = json.loads(out.read_text())
    return (j["outcome"], [c["stopped_by"] for c in j["cpu_states"]], {i["name"]: i["ok"] for i in j["invariants"]})


def test_explore(tmp):
    window = LIB / "arm64/late-irq-window.yaml"
    out = tmp / "explore.json"
    p = sh("explore", window, "--vary", "faults.0.delay_cycles=2504004000:2504005000", "--json", out)
    check("explore: exit 0", p.returncode == 0, p.stderr)
    j = json.loads(out.read_text()) if out.exists() else {"windows": [], "boundaries": []}
    b = [(x["last"], x["first"]) for x in j["boundaries"]]
    # Bug 3: the pseudo-NMI nests in the IRQ's stop handler only for these 20 cycles of delay.
    check("explore finds the bug-3 window to the cycle", b == [("2504004503", "2504004504"), ("2504004523", "2504004524")], b)
    w = j["windows"]
    check("the window violates the nesting invariant, its neighbours do not", len(w) == 3 and
          w[1]["invariant_failures"] == "no_nmi_nested_in_stop_handler" and not w[0]["invariant_failures"] and
          not w[2]["invariant_failures"], w)
    check("below the window CPU 2 is stopped by the IRQ, above by the pseudo-NMI", len(w) == 3 and
          w[0]["stopped_by"] == "0=-;1-3=irq" and w[2]["stopped_by"] == "0=-;1=irq;2=pseudo_nmi;3=irq", w)
    check("explore prints the windows with replay commands",
          "window 2: 2504004504 .. 2504004523 cycles (20 cycles" in p.stdout and
          "--set faults.0.delay_cycles=2504004503 --seed 1" in p.stdout, p.stdout)
    if len(j["boundaries"]) == 2:
        for x in j["boundaries"]:
            a, c = signature(x["replay_last"], tmp), signature(x["replay_first"], tmp)
            check(f"boundary {x['last']}|{x['first']}: the replay commands of its two sides differ", a != c, (a, c))
        inside = signature(j["boundaries"][0]["replay_first"], tmp)
        check("the first cycle of the window nests the NMI", inside[2]["no_nmi_nested_in_stop_handler"] is False, inside)
    p = sh("explore", window, "--vary", "faults.0.delay_cycles=2504004000:2504005000", "--resolution", "16",
           "--json", "-", "-q")
    j = json.loads(p.stdout) if p.returncode == 0 else {"boundaries": []}
    ok = len(j["boundaries"]) == 2 and all(int(x["first"]) - int(x["last"]) <= 16 for x in j["boundaries"]) and \
        int(j["boundaries"][0]["last"]) <= 2504004503 < 2504004504 <= int(j["boundaries"][0]["first"]) and \
        int(j["boundaries"][1]["last"]) <= 2504004523 < 2504004524 <= int(j["boundaries"][1]["first"])
    check("--resolution 16: boundaries within 16 cycles, bracketing the exact ones", ok, j["boundaries"])
    # A _us key moves on the 400 ps cycle grid of the 2500 MHz clock: the same window in microseconds.
    p = sh("explore", LIB / "arm64/late-irq-vs-nmi-stop.yaml", "--vary", "faults.0.delay_us=1001601.6:1001602",
           "--json", "-", "-q")
    j = json.loads(p.stdout) if p.returncode == 0 else {"boundaries": []}
    b = [(x["last"], x["first"]) for x in j["boundaries"]]
    check("explore over a _us key: the same window on the cycle grid",
          b == [("1001601.8012", "1001601.8016"), ("1001601.8092", "1001601.8096")], (b, p.stderr))
    p = sh("explore", window, "--vary", "kernel.variant=a:b")
    check("explore of a non-numeric key: exit 2", p.returncode == 2 and "explore varies a number" in p.stderr, p.stderr)


def main():
    with tempfile.TemporaryDirectory(prefix="stopsim-sweep-test-") as d:
        tmp = pathlib.Path(d)
        sc = tmp / "sweep.yaml"
        sc.write_text(SCENARIO)
        rows = test_determinism(tmp, "sweep.yaml")
        test_replay(tmp, rows)
        test_resume(tmp, "sweep.yaml")
        test_failures(tmp, "sweep.yaml")
        test_usage(tmp, sc)
        test_plot(tmp)
        test_explore(tmp)
    print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
