#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Sharding as docs/sweeps.md shows it, run for real: GNU parallel starts the shards (K from `{}`
over `::: 1..N`, and from `{#}`, the job's sequence number), and the shell lines of the Slurm array
and the Kubernetes indexed Job run with the variable each scheduler sets (SLURM_ARRAY_TASK_ID, 1..N;
JOB_COMPLETION_INDEX, 0..N-1). Each time `stopsim merge` of the parts must equal the unsharded sweep
byte for byte, CSV and JSON Lines. Without GNU parallel (scripts/deps.sh installs it) the test exits
77, which CTest reports as skipped."""
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

EXE = os.path.abspath(sys.argv[1])
SKIP = 77
results = []

SCENARIO = """name: test/sweep-parallel
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
SWEEP = "study.yaml --set cpus.0.workload.0.spin.for_us=200:1400:300 --set cpus.0.workload.0.spin.mask=none,pmr --seeds 1..5"
N = 4


def check(name, cond, detail=""):
    results.append(bool(cond))
    print(("ok   " if cond else "FAIL ") + name + ("" if cond else f": {str(detail)[:2000]}"), flush=True)


def bash(script, tmp, env=None):
    e = dict(os.environ)
    e["PATH"] = str(tmp / "bin") + os.pathsep + e.get("PATH", "")
    e["HOME"] = str(tmp / "home")  # parallel keeps its state under $HOME/.parallel
    e.update(env or {})
    return subprocess.run(["bash", "-euo", "pipefail", "-c", script], capture_output=True, text=True, cwd=tmp,
                          env=e, timeout=600)


def same_as_reference(tmp, name, parts):
    slug = "".join(c if c.isalnum() else "-" for c in name)
    for ext in ("csv", "jsonl"):
        merged = tmp / f"merged-{slug}.{ext}"
        p = bash(f"stopsim merge --out {merged.name} {parts}.{ext}", tmp)
        check(f"{name}: merge of the {ext} parts: exit 0", p.returncode == 0, p.stderr)
        got = merged.read_bytes() if merged.exists() else b""
        check(f"{name}: merged {ext} equals the unsharded sweep byte for byte",
              got == (tmp / f"ref.{ext}").read_bytes() and got)


def main():
    parallel = shutil.which("parallel")
    if not parallel:
        print("skip: GNU parallel is not installed (scripts/deps.sh installs the Debian package 'parallel')")
        sys.exit(SKIP)
    with tempfile.TemporaryDirectory(prefix="stopsim-sweep-parallel-") as d:
        tmp = pathlib.Path(d)
        (tmp / "bin").mkdir()
        (tmp / "home").mkdir()
        (tmp / "bin" / "stopsim").symlink_to(EXE)  # the docs' commands say 'stopsim'
        (tmp / "study.yaml").write_text(SCENARIO)
        p = bash(f"stopsim sweep {SWEEP} --out ref.csv --jsonl ref.jsonl -q", tmp)
        check("the unsharded sweep: exit 0", p.returncode == 0, p.stderr)

        # GNU parallel, K from {} over 1..N (the docs' command, local: no --sshloginfile).
        p = bash(f"mkdir -p parts && parallel --will-cite --halt now,fail=1 -j2 --workdir \"$PWD\" "
                 f"stopsim sweep {SWEEP} --shard {{}}/{N} --out parts/part-{{}}.csv --jsonl parts/part-{{}}.jsonl "
                 f"--resume -q ::: $(seq 1 {N})", tmp)
        check("parallel, K from {}: every shard exit 0", p.returncode == 0, p.stderr)
        same_as_reference(tmp, "parallel {}", "parts/part-*")
        # Run again: every shard resumes and has nothing left to do; the parts are unchanged.
        before = {f.name: f.read_bytes() for f in (tmp / "parts").iterdir()}
        p = bash(f"parallel --will-cite -j2 stopsim sweep {SWEEP} --shard {{}}/{N} --out parts/part-{{}}.csv "
                 f"--jsonl parts/part-{{}}.jsonl --resume ::: $(seq 1 {N})", tmp)
        check("parallel again: each shard resumes with 0 to run, parts unchanged", p.returncode == 0 and
              p.stderr.count("0 to run") == N and before == {f.name: f.read_bytes() for f in (tmp / "parts").iterdir()},
              p.stderr)

        # K from {#}, the job's sequence number (1-based), over any N arguments.
        p = bash(f"mkdir -p seq && seq {N} | parallel --will-cite -j2 "
                 f"stopsim sweep {SWEEP} --shard {{#}}/{N} --out seq/part-{{#}}.csv --jsonl seq/part-{{#}}.jsonl -q", tmp)
        check("parallel, K from {#}: every shard exit 0", p.returncode == 0, p.stderr)
        same_as_reference(tmp, "parallel {#}", "seq/part-*")

        # The Slurm array job's line, as each of its N tasks runs it.
        slurm = ("stopsim sweep " + SWEEP + " --shard \"${SLURM_ARRAY_TASK_ID}/" + str(N) + "\" "
                 "--out \"slurm/part-${SLURM_ARRAY_TASK_ID}.csv\" --jsonl \"slurm/part-${SLURM_ARRAY_TASK_ID}.jsonl\" "
                 "--resume -q || test $? -le 1")
        (tmp / "slurm").mkdir()
        codes = [bash(slurm, tmp, {"SLURM_ARRAY_TASK_ID": str(k)}).returncode for k in range(1, N + 1)]
        check("Slurm array tasks 1..N (SLURM_ARRAY_TASK_ID): exit 0", codes == [0] * N, codes)
        same_as_reference(tmp, "slurm", "slurm/part-*")

        # The Kubernetes indexed Job's container command, for indices 0..N-1.
        k8s = ("K=$((JOB_COMPLETION_INDEX + 1))\n"
               "stopsim sweep " + SWEEP + " --shard \"$K/" + str(N) + "\" --out \"k8s/part-$K.csv\" "
               "--jsonl \"k8s/part-$K.jsonl\" --resume -q || test $? -le 1")
        (tmp / "k8s").mkdir()
        codes = [bash(k8s, tmp, {"JOB_COMPLETION_INDEX": str(i)}).returncode for i in range(N)]
        check("Kubernetes indexed Job, JOB_COMPLETION_INDEX 0..N-1: exit 0", codes == [0] * N, codes)
        same_as_reference(tmp, "k8s", "k8s/part-*")
    print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
