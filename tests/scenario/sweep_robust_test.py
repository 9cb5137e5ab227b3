#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Sweeps that lose nothing and lie about nothing, without a special file system (sweep_disk_test.py
has the full-disk cases):

- `stopsim run` notices a console or JSON write that failed (exit 2; a sweep worker's own code 125);
- the temporary folder of a sweep whose launcher was killed too stays behind (nothing could remove
  it), is never read as results, and the next sweep removes it because its owner is provably gone;
  folders of live owners, of other pid namespaces and of unknown form are left alone;
- `--resume` refuses a scenario file, FILE spelling, --set values, --seeds or shard other than the
  first part's (the CSV.meta.json sidecar), and accepts another spelling of the same values;
- `merge` refuses shards of a scenario edited between them and writes a sidecar for the whole;
- `replay` runs only a row's scenario, --set values and seed: a row edited to write a file through
  --trace (or to smuggle an option in a column) is refused and writes nothing.

Host speed matters nowhere: the point where a sweep is stopped is fixed by the hang hook, and the
waits are for conditions (capped only so that a broken build ends)."""
import csv
import hashlib
import io
import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import tempfile
import time

EXE = os.path.abspath(sys.argv[1])
results = []

SCENARIO = """name: test/sweep-robust
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
SETS = ["--set", "cpus.0.workload.0.spin.for_us=200:800:300"]


def sh(*args, timeout=300, env=None, cwd=None, stdout=None):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run([EXE, *map(str, args)], stdout=stdout if stdout is not None else subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, timeout=timeout, env=e, cwd=cwd)


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


def wait_for(cond, cap_s=180):
    deadline = time.monotonic() + cap_s
    while not cond() and time.monotonic() < deadline:
        time.sleep(0.02)
    return cond()


def procs_mentioning(marker):
    found = []
    for d in pathlib.Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if marker.encode() in (d / "cmdline").read_bytes():
                    found.append(int(d.name))
            except OSError:
                pass
    return found


def children_of(pid):
    kids = []
    for d in pathlib.Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
                if int(stat[stat.rindex(")") + 2:].split()[1]) == pid:
                    kids.append(int(d.name))
            except (OSError, ValueError, IndexError):
                pass
    return kids


def start_time(pid):
    stat = pathlib.Path(f"/proc/{pid}/stat").read_text()
    return stat[stat.rindex(")") + 2:].split()[19]


def boot12():
    return pathlib.Path("/proc/sys/kernel/random/boot_id").read_text().strip().replace("-", "")[:12]


def pidns():
    return "".join(c for c in os.readlink("/proc/self/ns/pid") if c.isdigit())


def test_run_checks_writes(tmp, sc):
    with open("/dev/full", "w") as full:
        p = sh("run", sc, stdout=full)
        check("run > /dev/full: exit 2, says the console output could not be written",
              p.returncode == 2 and "cannot write the console output" in p.stderr, (p.returncode, p.stderr))
        p = sh("run", sc, stdout=full, env={"STOPSIM_RUN_ID": "r000001"})
        check("... and in a sweep worker the worker's own code, 125", p.returncode == 125, (p.returncode, p.stderr))
    p = sh("run", sc, "--json", "/dev/full", "-q")
    check("run --json /dev/full: exit 2, names the file", p.returncode == 2 and "cannot write /dev/full" in p.stderr,
          (p.returncode, p.stderr))
    p = sh("run", sc, "--json", tmp / "no-such-dir" / "r.json", "-q")
    check("run --json into a missing folder: exit 2", p.returncode == 2 and "cannot write" in p.stderr, p.stderr)
    if shutil.which("gnuplot"):
        p = sh("sweep", sc, *SETS, "--out", tmp / "t.csv", "--plot", tmp / "no-such-dir" / "p.svg", "-q", cwd=tmp)
        check("sweep --plot into a missing folder: exit 2 (gnuplot's failure is the user's to fix), rows kept",
              p.returncode == 2 and "could not draw" in p.stderr and data_lines(tmp / "t.csv") == 3, (p.returncode, p.stderr))
        (tmp / "t.csv").unlink()
        (tmp / "t.csv.meta.json").unlink()
    else:
        print("skip --plot into a missing folder: gnuplot is not installed")
    p = sh("sweep", sc, *SETS, "--out", tmp / "t.csv", "-q", env={"TMPDIR": str(tmp / "no-such-dir")})
    check("sweep with TMPDIR missing: exit 2, a clear message, no rows",
          p.returncode == 2 and "cannot create a temporary folder" in p.stderr and "TMPDIR" in p.stderr, p.stderr)


def test_stale_folders(tmp, sc):
    work = tmp / "stale"
    work.mkdir()
    ref = tmp / "ref.csv"
    p = sh("sweep", "sweep.yaml", *SETS, "--seeds", "1..4", "--out", ref, "-q", cwd=tmp)
    check("reference sweep: exit 0", p.returncode == 0, p.stderr)

    # A sweep stopped, its launcher killed and then itself: nobody is left to clean up.
    out = tmp / "killed.csv"
    proc = subprocess.Popen([EXE, "sweep", "sweep.yaml", *SETS, "--seeds", "1..4", "--jobs", "1", "--out", str(out), "-q"],
                            cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=dict(os.environ, TMPDIR=str(work), STOPSIM_TEST_HANG_AT="r000002"))
    wait_for(lambda: data_lines(out) >= 2 or proc.poll() is not None)
    os.kill(proc.pid, signal.SIGSTOP)
    # Stopped for certain before its launcher dies, so it cannot clean up after it either.
    wait_for(lambda: pathlib.Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "T")
    launchers = children_of(proc.pid)
    for pid in launchers:
        os.kill(pid, signal.SIGKILL)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    check("the killed sweep had one launcher", len(launchers) == 1, launchers)
    check("every process of the killed sweep ends", wait_for(lambda: not procs_mentioning(str(out))),
          procs_mentioning(str(out)))
    left = sorted(work.iterdir())
    check("its temporary folder stays (nothing could remove it), named for its owner",
          len(left) == 1 and left[0].name.startswith(f"stopsim-runs.{proc.pid}-"), left)

    # Planted folders: a dead owner (a process that has ended), another boot, a live owner (this
    # test), another pid namespace, and one of no known form.
    dead = subprocess.Popen(["sleep", "600"])
    dead_start = start_time(dead.pid)
    dead.kill()
    dead.wait()
    me = os.getpid()
    planted = {
        "dead": f"stopsim-runs.{dead.pid}-{dead_start}-{boot12()}-{pidns()}.aB3dE9",
        "reboot": f"stopsim-runs.{me}-{start_time(me)}-{'0' * 12 if boot12() != '0' * 12 else '1' * 12}-{pidns()}.Zz0Zz0",
        "live": f"stopsim-runs.{me}-{start_time(me)}-{boot12()}-{pidns()}.q1w2e3",
        "other-ns": f"stopsim-runs.{dead.pid}-{dead_start}-{boot12()}-1.r4t5y6",
        "old-form": "stopsim-runs.AbC123",
    }
    for name in planted.values():
        (work / name).mkdir()
        # Whatever a stale folder holds, it is never taken for a result.
        (work / name / "r000001.out").write_text("not the output of any run\n")
        (work / name / "r000001.json").write_text('{"outcome": "all_stopped"}\n')
    p = sh("sweep", "sweep.yaml", *SETS, "--seeds", "1..4", "--out", out, "--resume", "-q", cwd=tmp,
           env={"TMPDIR": str(work)})
    check("--resume of the killed sweep: exit 0", p.returncode == 0, p.stderr)
    check("... its rows equal the uninterrupted sweep's (no stale file taken for a result)",
          out.read_bytes() == ref.read_bytes())
    names = {d.name for d in work.iterdir()}
    check("the killed sweep's folder is removed: its owner is gone", not any(n.startswith(f"stopsim-runs.{proc.pid}-")
                                                                            for n in names), names)
    check("a folder of an ended owner is removed", planted["dead"] not in names, names)
    check("a folder from another boot is removed", planted["reboot"] not in names, names)
    check("a folder of a live owner stays", planted["live"] in names, names)
    check("a folder of another pid namespace stays (its pid means nothing here)", planted["other-ns"] in names, names)
    check("a folder of unknown form stays", planted["old-form"] in names, names)
    check("nothing else is left", names == {planted["live"], planted["other-ns"], planted["old-form"]}, names)


def test_resume_checks(tmp, sc):
    out = tmp / "m.csv"
    p = sh("sweep", "sweep.yaml", *SETS, "--seeds", "1..4", "--out", out, "-q", cwd=tmp)
    check("sweep: exit 0", p.returncode == 0, p.stderr)
    meta_file = tmp / "m.csv.meta.json"
    meta_text = meta_file.read_text() if meta_file.exists() else "{}"
    meta = json.loads(meta_text)
    check("the sidecar records the scenario's sha256, the runs and the shard",
          meta.get("format") == "stopsim-sweep-meta/1" and meta.get("scenario") == "sweep.yaml" and
          meta.get("scenario_sha256") == hashlib.sha256((tmp / "sweep.yaml").read_bytes()).hexdigest() and
          meta.get("runs") == 12 and meta.get("shard") == "1/1" and len(meta.get("sweep_sha256", "")) == 64, meta)
    p = sh("sweep", "sweep.yaml", "--set", "cpus.0.workload.0.spin.for_us=200,500,800", "--seeds", "1,2,3,4",
           "--out", out, "--resume", cwd=tmp)
    check("--resume with another spelling of the same values and seeds: accepted, nothing to run",
          p.returncode == 0 and "0 to run" in p.stderr, p.stderr)
    p = sh("sweep", "sweep.yaml", *SETS, "--seeds", "1..5", "--out", out, "--resume", cwd=tmp)
    check("--resume with other --seeds: exit 2, names the first part's", p.returncode == 2 and
          "--seeds 1..4" in p.stderr and "not those" in p.stderr, p.stderr)
    p = sh("sweep", "./sweep.yaml", *SETS, "--seeds", "1..4", "--out", out, "--resume", cwd=tmp)
    check("--resume naming FILE otherwise: exit 2 (the replay commands would differ)", p.returncode == 2 and
          "was started with FILE 'sweep.yaml'" in p.stderr, p.stderr)
    p = sh("sweep", "sweep.yaml", *SETS, "--seeds", "1..4", "--shard", "1/2", "--out", out, "--resume", cwd=tmp)
    check("--resume as another shard: exit 2", p.returncode == 2, p.stderr)
    scen = tmp / "sweep.yaml"
    original = scen.read_text()
    scen.write_text(original.replace("at_us: 100", "at_us: 101"))
    p = sh("sweep", "sweep.yaml", *SETS, "--seeds", "1..4", "--out", out, "--resume", cwd=tmp)
    check("--resume after the scenario changed: exit 2, says so", p.returncode == 2 and
          "has changed since" in p.stderr and "--force" in p.stderr, p.stderr)
    check("... and the file and its sidecar are untouched", data_lines(out) == 12 and meta_file.read_text() == meta_text)
    scen.write_text(original + "# only a comment\n")
    p = sh("sweep", "sweep.yaml", *SETS, "--seeds", "1..4", "--out", out, "--resume", cwd=tmp)
    check("--resume after any change of the file's bytes, even a comment: exit 2", p.returncode == 2 and
          "has changed since" in p.stderr, p.stderr)
    scen.write_text(original)
    meta_file.unlink()
    p = sh("sweep", "sweep.yaml", *SETS, "--seeds", "1..4", "--out", out, "--resume", cwd=tmp)
    check("--resume of a file with runs but no sidecar: exit 2", p.returncode == 2 and "meta.json" in p.stderr, p.stderr)
    p = sh("sweep", "sweep.yaml", *SETS, "--seeds", "1..4", "--out", out, "--force", "-q", cwd=tmp)
    check("--force starts over and writes the sidecar again", p.returncode == 0 and meta_file.exists(), p.stderr)

    # Shards of one sweep, the scenario edited between them: merge must not join them.
    for k in (1, 2):
        if k == 2:
            scen.write_text(original.replace("at_us: 100", "at_us: 101"))
        p = sh("sweep", "sweep.yaml", *SETS, "--seeds", "1..4", "--shard", f"{k}/2", "--out", tmp / f"p{k}.csv", "-q",
               cwd=tmp)
        check(f"shard {k}/2: exit 0", p.returncode == 0, p.stderr)
    p = sh("merge", "--out", tmp / "joined.csv", tmp / "p1.csv", tmp / "p2.csv")
    check("merge of shards of two different scenario files: exit 2", p.returncode == 2 and
          "different scenarios" in p.stderr and not (tmp / "joined.csv").exists(), p.stderr)
    scen.write_text(original)
    p = sh("sweep", "sweep.yaml", *SETS, "--seeds", "1..4", "--shard", "2/2", "--out", tmp / "p2.csv", "--force", "-q",
           cwd=tmp)
    p = sh("merge", "--out", tmp / "joined.csv", tmp / "p1.csv", tmp / "p2.csv")
    joined = json.loads((tmp / "joined.csv.meta.json").read_text()) if (tmp / "joined.csv.meta.json").exists() else {}
    check("merge of the shards of one sweep: exit 0, equal to the unsharded file, a sidecar of shard 1/1",
          p.returncode == 0 and (tmp / "joined.csv").read_bytes() == out.read_bytes() and joined.get("shard") == "1/1"
          and joined.get("scenario_sha256") == meta.get("scenario_sha256"), (p.stderr, joined))
    p = sh("sweep", "sweep.yaml", *SETS, "--seeds", "1..4", "--out", tmp / "joined.csv", "--resume", cwd=tmp)
    check("the merged file resumes with the sweep's command", p.returncode == 0 and "0 to run" in p.stderr, p.stderr)
    (tmp / "p2.csv.meta.json").unlink()
    p = sh("merge", "--out", tmp / "joined2.csv", tmp / "p1.csv", tmp / "p2.csv")
    check("merge of a part without a sidecar with one that has it: exit 2", p.returncode == 2 and
          "meta.json" in p.stderr, p.stderr)


def test_replay_tampered(tmp, sc):
    good = tmp / "m.csv"
    text = good.read_text()
    rows = rows_of(good)
    r = rows[1]
    evil = tmp / "evil" / "overwritten.json"
    evil.parent.mkdir()
    victim = tmp / "victim.txt"
    victim.write_text("precious\n")

    def tampered(name, new_text):
        path = tmp / name
        path.write_text(new_text)
        meta = tmp / "m.csv.meta.json"
        (tmp / (name + ".meta.json")).write_text(meta.read_text())
        return path

    bad = tampered("t1.csv", text.replace(r["replay"], r["replay"] + f" --trace {evil}"))
    p = sh("replay", bad, "--run", r["run_id"], cwd=tmp)
    check("replay of a row whose command gained --trace PATH: exit 2, refused", p.returncode == 2 and
          "nothing else" in p.stderr, p.stderr)
    check("... and nothing was written there", not evil.exists())
    p = sh("replay", bad, "--all", cwd=tmp)
    check("replay --all of that file: exit 2, nothing written", p.returncode == 2 and not evil.exists(), p.stderr)
    bad = tampered("t2.csv", text.replace(r["replay"], r["replay"].replace("stopsim run sweep.yaml",
                                                                             f"stopsim run --json={victim} sweep.yaml")))
    p = sh("replay", bad, "--run", r["run_id"], cwd=tmp)
    check("replay of a row whose command gained --json=PATH before FILE: exit 2, the file untouched",
          p.returncode == 2 and victim.read_text() == "precious\n", p.stderr)
    line = next(l for l in text.splitlines() if l.startswith(r["run_id"] + ","))
    fields = next(csv.reader([line]))
    fields[2] = f"1 --trace {evil}"
    fields[-1] = fields[-1].replace(f"--seed {r['seed']}", f"--seed '1 --trace {evil}'")
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(fields)
    bad = tampered("t3.csv", text.replace(line + "\n", out.getvalue()))
    p = sh("replay", bad, "--run", r["run_id"], cwd=tmp)
    check("replay of a row whose seed column smuggles an option: exit 2", p.returncode == 2 and
          "seed column" in p.stderr and not evil.exists(), p.stderr)
    header = text.splitlines()[0]
    hacked = text.replace(header, header.replace("cpus.0.workload.0.spin.for_us", "--trace"), 1)
    hacked = hacked.replace("--set cpus.0.workload.0.spin.for_us=", "--set --trace=")
    bad = tampered("t4.csv", hacked)
    p = sh("replay", bad, "--run", r["run_id"], cwd=tmp)
    check("replay of a file whose swept column is named like an option: exit 2", p.returncode == 2 and
          "not a scenario path" in p.stderr and not evil.exists(), p.stderr)
    bad = tampered("t5.csv", text.replace("stopsim run sweep.yaml", "stopsim run other.yaml"))
    p = sh("replay", bad, "--run", r["run_id"], cwd=tmp)
    check("replay of a row naming another FILE than the sweep ran: exit 2", p.returncode == 2 and
          "but the sweep ran 'sweep.yaml'" in p.stderr, p.stderr)
    p = sh("replay", good, "--run", r["run_id"], cwd=tmp)
    check("the untampered row replays identical", p.returncode == 0 and "identical" in p.stderr, p.stderr)
    scen = tmp / "sweep.yaml"
    original = scen.read_text()
    scen.write_text(original + "# edited after the sweep\n")
    p = sh("replay", good, "--run", r["run_id"], cwd=tmp)
    check("replay after the scenario changed: a note that it changed", "has changed since the sweep" in p.stderr,
          p.stderr)
    scen.write_text(original)


def main():
    with tempfile.TemporaryDirectory(prefix="stopsim-sweep-robust-") as d:
        tmp = pathlib.Path(d)
        sc = tmp / "sweep.yaml"
        sc.write_text(SCENARIO)
        test_run_checks_writes(tmp, sc)
        test_stale_folders(tmp, sc)
        test_resume_checks(tmp, sc)
        test_replay_tampered(tmp, sc)
    print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
