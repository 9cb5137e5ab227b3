# SPDX-License-Identifier: Apache-2.0
"""Helpers of the source-mode tests: the Debian trees (scripts/kernel-trees.sh, idempotent), a
private compile cache, and running stopsim."""
import json, os, subprocess, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

def trees():
    """{'6.1': DIR, '6.12': DIR}: unpacked on first use (the script skips what is there)."""
    out = subprocess.run([os.path.join(ROOT, "scripts", "kernel-trees.sh")], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit("scripts/kernel-trees.sh failed:\n" + out.stderr)
    dirs = [l.strip() for l in out.stdout.splitlines() if l.strip()]
    return {os.path.basename(d).replace("linux-", ""): d for d in dirs}

def env(cache=None):
    e = dict(os.environ)
    e["STOPSIM_CACHE_DIR"] = cache or os.environ.get("STOPSIM_TEST_CACHE") or os.path.join(tempfile.gettempdir(), "stopsim-test-cache-%d" % os.getuid())
    return e

def run(stopsim, scenario, tree=None, extra=(), cache=None):
    """(exit code, JSON report or None, stderr)."""
    with tempfile.NamedTemporaryFile(suffix=".json") as t:
        cmd = [stopsim, "run", scenario, "--json", t.name, "--quiet"] + list(extra)
        if tree:
            cmd += ["--kernel-source", tree]
        p = subprocess.run(cmd, capture_output=True, text=True, env=env(cache))
        j = None
        if p.returncode in (0, 1):
            j = json.load(open(t.name))
        return p.returncode, j, p.stderr
