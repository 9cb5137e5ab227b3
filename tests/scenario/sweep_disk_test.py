#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Full disks, made exactly on small tmpfs mounts (this test must run as root; without the right to
mount it exits 77, which CTest reports as skipped):

- TMPDIR full: every run is an `error` row whose message says its output could not be written
  (never an `all_stopped` row with a wrong console hash), exit 1; `--resume` with room makes exactly
  those runs again and the file equals the uninterrupted sweep's, byte for byte. In-place workers
  and `--exec` workers alike.
- TMPDIR nearly full (room for the JSON report but not the console output): the same.
- `--out` full while rows are appended: exit 2 with the file and the reason, whole rows only, no
  `.tmp` file; after making room, `--resume` finishes it byte-identical.
- `--out` with room for the rows but not for the final rewrite in run-id order: exit 2, no `.tmp`
  file, every row still there; `--resume` with room finishes it.

Every size is computed from the files a normal sweep writes and from tmpfs's page granularity, and
checked with statvfs before it is relied on."""
import csv
import io
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

EXE = os.path.abspath(sys.argv[1])
SKIP = 77
results = []
PAGE = os.sysconf("SC_PAGE_SIZE")

SCENARIO = """name: test/sweep-disk
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
SEEDS = ["--seeds", "1..4"]  # 40 runs


def sh(*args, timeout=600, env=None, cwd=None):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run([EXE, *map(str, args)], capture_output=True, text=True, timeout=timeout, env=e, cwd=cwd)


def check(name, cond, detail=""):
    results.append(bool(cond))
    print(("ok   " if cond else "FAIL ") + name + ("" if cond else f": {str(detail)[:2000]}"), flush=True)


def rows_of(path):
    return list(csv.DictReader(io.StringIO(pathlib.Path(path).read_text())))


def pages(nbytes):
    return -(-nbytes // PAGE)


def free_pages(path):
    v = os.statvfs(path)
    return v.f_bavail * v.f_frsize // PAGE


class Tmpfs:
    """A tmpfs of exactly `n` pages at `path`, unmounted on exit."""

    def __init__(self, path, n):
        self.path = pathlib.Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self.n = n

    def __enter__(self):
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={self.n * PAGE},mode=0700", "tmpfs", str(self.path)],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise PermissionError(r.stderr.strip() or f"mount exited {r.returncode}")
        return self

    def resize(self, n):
        subprocess.run(["mount", "-o", f"remount,size={n * PAGE}", str(self.path)], check=True)
        self.n = n

    def fill(self, leave):
        """A filler file so that exactly `leave` pages stay free."""
        have = free_pages(self.path)
        with open(self.path / "filler", "ab") as f:
            f.write(b"\0" * ((have - leave) * PAGE))
        return free_pages(self.path)

    def __exit__(self, *exc):
        if subprocess.run(["umount", str(self.path)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(self.path)], capture_output=True)


def no_tmp_files(d):
    return [p.name for p in pathlib.Path(d).iterdir() if p.name.endswith(".tmp")]


def test_tmpdir_full(tmp, ref, mode, leave):
    """TMPDIR with `leave` pages free: 0 (full), or room for the JSON report but not the console."""
    what = f"TMPDIR {'full' if leave == 0 else 'nearly full'}{' (--exec)' if mode else ''}"
    out = tmp / f"tmpdir-{leave}{mode.strip('-')}.csv"
    with Tmpfs(tmp / "mnt-tmp", 16) as fs:
        got = fs.fill(leave)
        check(f"{what}: the tmpfs has {leave} free page(s)", got == leave, got)
        extra = [mode] if mode else []
        p = sh("sweep", "sweep.yaml", *SETS, *SEEDS, "--jobs", "1", "--out", out, *extra, cwd=tmp,
               env={"TMPDIR": str(fs.path)})
        rows = rows_of(out) if out.exists() else []
        check(f"{what}: exit 1, every run there", p.returncode == 1 and len(rows) == 40, (p.returncode, len(rows), p.stderr))
        check(f"{what}: every row is an error saying the output could not be written",
              all(r["outcome"] == "error" and r["error"].startswith("host: the run's output could not be written")
                  for r in rows), [(r["outcome"], r["error"]) for r in rows[:3]])
        check(f"{what}: no row claims a console hash", all(r["console_sha256"] == "" for r in rows), rows[:1])
        check(f"{what}: the console says why", "could not be written" in p.stderr, p.stderr)
    p = sh("sweep", "sweep.yaml", *SETS, *SEEDS, "--out", out, "--resume", cwd=tmp)
    check(f"{what}: --resume with room makes those 40 runs again: exit 0", p.returncode == 0 and
          "40 error rows with a host cause" in p.stderr and "40 to run" in p.stderr, p.stderr)
    check(f"{what}: ... and the file equals the uninterrupted sweep's", out.read_bytes() == ref.read_bytes())


def test_out_full(tmp, ref, ref_jsonl):
    d = tmp / "mnt-out"
    meta_pages = pages((tmp / "ref.csv.meta.json").stat().st_size)
    # Room for the sidecar and one page of rows (the header and some rows): the rows run out of room.
    with Tmpfs(d, meta_pages + 1) as fs:
        out = fs.path / "r.csv"
        p = sh("sweep", "sweep.yaml", *SETS, *SEEDS, "--out", out, cwd=tmp)
        check("--out full while appending: exit 2, names the file and the reason", p.returncode == 2 and
              "cannot append to " + str(out) in p.stderr and "No space left on device" in p.stderr and
              "--resume" in p.stderr, (p.returncode, p.stderr))
        check("... not an internal error", "internal error" not in p.stderr, p.stderr)
        text = out.read_bytes()
        check("... whole rows only, no torn line", text.endswith(b"\n") and 1 < text.count(b"\n") < 41, text[-200:])
        check("... no .tmp file", not no_tmp_files(fs.path), no_tmp_files(fs.path))
        fs.resize(256)
        p = sh("sweep", "sweep.yaml", *SETS, *SEEDS, "--out", out, "--resume", cwd=tmp)
        check("after making room, --resume: exit 0, the file equals the uninterrupted sweep's",
              p.returncode == 0 and out.read_bytes() == ref.read_bytes(), p.stderr)

    # The JSON Lines file (written before each row) runs out of room first.
    with Tmpfs(d, meta_pages + 2) as fs:
        out, jl = fs.path / "r.csv", fs.path / "r.jsonl"
        p = sh("sweep", "sweep.yaml", *SETS, *SEEDS, "--out", out, "--jsonl", jl, cwd=tmp)
        check("--jsonl full while appending: exit 2, names it", p.returncode == 2 and
              "cannot append to " + str(jl) in p.stderr, (p.returncode, p.stderr))
        check("... no .tmp file", not no_tmp_files(fs.path), no_tmp_files(fs.path))
        fs.resize(256)
        p = sh("sweep", "sweep.yaml", *SETS, *SEEDS, "--out", out, "--jsonl", jl, "--resume", cwd=tmp)
        check("after making room, --resume: both files equal the uninterrupted sweep's", p.returncode == 0 and
              out.read_bytes() == ref.read_bytes() and jl.read_bytes() == ref_jsonl.read_bytes(), p.stderr)

    # Room for every row, but not for the second copy the final rewrite in run-id order needs.
    rows_pages = pages(ref.stat().st_size)
    with Tmpfs(d, meta_pages + rows_pages + rows_pages - 1) as fs:
        out = fs.path / "r.csv"
        p = sh("sweep", "sweep.yaml", *SETS, *SEEDS, "--out", out, cwd=tmp)
        check("final rewrite without room: exit 2, says every run is in the file", p.returncode == 2 and
              "every run is in " + str(out) in p.stderr and "No space left on device" in p.stderr, (p.returncode, p.stderr))
        check("... no .tmp file left", not no_tmp_files(fs.path), no_tmp_files(fs.path))
        check("... every row is there", sorted(r["run_id"] for r in rows_of(out)) == [r["run_id"] for r in rows_of(ref)])
        fs.resize(256)
        p = sh("sweep", "sweep.yaml", *SETS, *SEEDS, "--out", out, "--resume", cwd=tmp)
        check("after making room, --resume runs nothing and puts the file in order", p.returncode == 0 and
              "0 to run" in p.stderr and out.read_bytes() == ref.read_bytes(), p.stderr)

    # A plot on a full disk: gnuplot does not say its write failed, stopsim does.
    if shutil.which("gnuplot"):
        with Tmpfs(d, 1) as fs:
            fs.fill(0)
            p = sh("summary", ref, "--plot", fs.path / "p.svg")
            check("summary --plot onto a full disk: exit 2 with a message", p.returncode == 2 and
                  "full disk" in p.stderr, (p.returncode, p.stderr))
    else:
        print("skip plot on a full disk: gnuplot is not installed (scripts/deps.sh installs gnuplot-nox)")

    # merge: the same rule, exit 2 and no .tmp file.
    with Tmpfs(d, 1) as fs:
        fs.fill(0)
        p = sh("merge", "--out", fs.path / "m.csv", ref)
        check("merge --out on a full disk: exit 2 with the reason, no .tmp file", p.returncode == 2 and
              "No space left on device" in p.stderr and not no_tmp_files(fs.path), (p.returncode, p.stderr))


def main():
    if os.geteuid() != 0:
        print("skip: mounting the small tmpfs file systems this test needs takes root")
        sys.exit(SKIP)
    with tempfile.TemporaryDirectory(prefix="stopsim-sweep-disk-") as d:
        tmp = pathlib.Path(d)
        try:
            with Tmpfs(tmp / "probe", 1):
                pass
        except PermissionError as e:
            print(f"skip: cannot mount a tmpfs here ({e})")
            sys.exit(SKIP)
        (tmp / "sweep.yaml").write_text(SCENARIO)
        ref, ref_jsonl = tmp / "ref.csv", tmp / "ref.jsonl"
        p = sh("sweep", "sweep.yaml", *SETS, *SEEDS, "--out", ref, "--jsonl", ref_jsonl, "-q", cwd=tmp)
        check("reference sweep: exit 0", p.returncode == 0, p.stderr)
        # Nearly full: one page for the ~3 KB JSON report (written at its close), none for the
        # console output, which stdio flushes at the end of the run.
        probe = subprocess.run([EXE, "run", "sweep.yaml", "--json", str(tmp / "probe.json")], capture_output=True,
                               cwd=tmp, timeout=120)
        json_pages = pages((tmp / "probe.json").stat().st_size)
        check("the probe run's report and console fit the plan", probe.returncode == 0 and json_pages == 1 and
              0 < len(probe.stdout) < PAGE, (json_pages, len(probe.stdout)))
        for mode in ("", "--exec"):
            test_tmpdir_full(tmp, ref, mode, 0)
            test_tmpdir_full(tmp, ref, mode, json_pages)
        test_out_full(tmp, ref, ref_jsonl)
    print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
