#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""--vcd and --log-level. The waveform is read back with a small VCD reader of its own and held
against the JSON report of the same run on scenarios of all three architectures: each CPU's
final online bit, the moment it stopped and the context it stopped in, its firmware event state
and mask at the end. --log-level debug prints model events with simulated time on stderr and
leaves stdout byte for byte what it was; a bad level or an unwritable --vcd path exits 2."""
import json
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

EXE = sys.argv[1]
LIB = pathlib.Path(sys.argv[2])
results = []

SCENARIOS = [
    "arm64/clean-stop.yaml",
    "arm64/pmr-wedged-v6.12.yaml",
    "arm64/daif-wedged-sdei-v4.yaml",
    "arm64/sdei-kdump-cpu-off.yaml",
    "arm64/late-irq-vs-nmi-crash.yaml",
    "x86/kdump-cpu-in-nmi.yaml",
    "x86/irq-off-wedged-v6.5.yaml",
    "x86/double-stop.yaml",
    "riscv/sie-wedged-sse-v2.yaml",
    "riscv/sse-v3-normal-stop.yaml",
    "riscv/hart-in-mmode.yaml",
]
HOST_FIELDS = ("host_ns", "host_sim_ns", "host_stop_ns")


def sh(*args, timeout=120):
    return subprocess.run([EXE, *args], capture_output=True, timeout=timeout)


def check(name, cond, detail=""):
    results.append(bool(cond))
    print(("ok   " if cond else "FAIL ") + name + ("" if cond else f": {detail}"))
    return bool(cond)


class VcdError(Exception):
    pass


def read_vcd(text):
    """-> (timescale, {scope: {var: [(t, value), ...]}}, end time). Raises VcdError."""
    tokens = text.split()
    i = 0
    timescale = None
    scopes = []
    ids = {}  # id -> (scope, name, width)
    while True:
        if i >= len(tokens):
            raise VcdError("no $enddefinitions")
        tok = tokens[i]
        if tok == "$enddefinitions":
            if tokens[i + 1] != "$end":
                raise VcdError("$enddefinitions without $end")
            i += 2
            break
        if tok in ("$comment", "$date", "$version"):
            j = tokens.index("$end", i)
            i = j + 1
        elif tok == "$timescale":
            j = tokens.index("$end", i)
            timescale = "".join(tokens[i + 1 : j])
            i = j + 1
        elif tok == "$scope":
            if tokens[i + 1] != "module" or tokens[i + 3] != "$end":
                raise VcdError(f"bad $scope at token {i}")
            scopes.append(tokens[i + 2])
            i += 4
        elif tok == "$upscope":
            if not scopes or tokens[i + 1] != "$end":
                raise VcdError("unbalanced $upscope")
            scopes.pop()
            i += 2
        elif tok == "$var":
            j = tokens.index("$end", i)
            kind, width, code, name = tokens[i + 1 : i + 5]
            if kind != "wire" or not scopes:
                raise VcdError(f"bad $var {tokens[i:j + 1]}")
            if code in ids:
                raise VcdError(f"id {code} declared twice")
            ids[code] = (".".join(scopes), name, int(width))
            i = j + 1
        else:
            raise VcdError(f"unexpected {tok!r} in the header")
    if scopes:
        raise VcdError("scope left open")
    waves = {}
    for scope, name, _ in ids.values():
        waves.setdefault(scope, {})[name] = []
    t = None
    in_dump = False
    while i < len(tokens):
        tok = tokens[i]
        i += 1
        if tok.startswith("#"):
            nt = int(tok[1:])
            if t is not None and nt <= t:
                raise VcdError(f"time {nt} after {t}")
            t = nt
            continue
        if tok == "$dumpvars":
            in_dump = True
            continue
        if tok == "$end" and in_dump:
            in_dump = False
            continue
        if t is None:
            raise VcdError("value before the first time stamp")
        if tok[0] == "b":
            bits, code = tok[1:], tokens[i]
            i += 1
        elif tok[0] in "01":
            bits, code = tok[0], tok[1:]
        else:
            raise VcdError(f"unexpected value {tok!r}")
        if code not in ids:
            raise VcdError(f"undeclared id {code!r}")
        scope, name, width = ids[code]
        if not re.fullmatch("[01]+", bits) or len(bits) > width:
            raise VcdError(f"bad value {bits} for {scope}.{name}[{width}]")
        waves[scope][name].append((t, int(bits, 2)))
    if in_dump:
        raise VcdError("$dumpvars left open")
    return timescale, waves, t


def final(wave):
    return wave[-1][1] if wave else None


def at(wave, t):
    """The value a wave holds at time t (after the changes at t)."""
    v = None
    for tt, vv in wave:
        if tt > t:
            break
        v = vv
    return v


def rises(wave):
    out, prev = [], None
    for t, v in wave:
        if v and not prev:
            out.append(t)
        prev = v
    return out


def falls(wave):
    out, prev = [], None
    for t, v in wave:
        if prev and not v:
            out.append(t)
        prev = v
    return out


def strip_host(j):
    for k in HOST_FIELDS:
        j["stats"].pop(k, None)
    return j


EVENT0 = {"unregistered": 0, "registered": 1, "enabled": 2, "running": 3}
SSE = {"unused": 0, "registered": 1, "enabled": 2, "running": 3}
CTX = {"irq": 1, "pseudo_nmi": 2, "nmi": 2, "sse": 2, "sdei": 3}


def check_scenario(rel, tmp):
    f = str(LIB / rel)
    plain = sh("run", f)
    vcd, rep, rep0 = tmp / "w.vcd", tmp / "r.json", tmp / "r0.json"
    p0 = sh("run", f, "--json", str(rep0), "--quiet")
    p = sh("run", f, "--vcd", str(vcd), "--json", str(rep), "--quiet")
    if not check(f"{rel}: run with --vcd exits as without", p.returncode == p0.returncode == plain.returncode,
                 (p.returncode, p0.returncode, p.stderr)):
        return
    with_vcd_console = sh("run", f, "--vcd", str(tmp / "w2.vcd"))
    check(f"{rel}: console output byte-identical with --vcd", with_vcd_console.stdout == plain.stdout)
    r = json.loads(rep.read_text())
    check(f"{rel}: JSON report identical with --vcd", strip_host(r) == strip_host(json.loads(rep0.read_text())))
    text = vcd.read_text()
    check(f"{rel}: VCD identical on a second run", text == (tmp / "w2.vcd").read_text())
    try:
        timescale, waves, end = read_vcd(text)
    except VcdError as e:
        check(f"{rel}: VCD parses", False, str(e))
        return
    check(f"{rel}: timescale 1ps", timescale == "1ps", timescale)
    check(f"{rel}: last time stamp is the end of the run", end == round(r["stats"]["sim_ns"] * 1000), (end, r["stats"]))
    check(f"{rel}: one scope per CPU", sorted(waves) == sorted(f"cpu{c}" for c in range(r["cpus"])), sorted(waves))
    # GTKWave's converters, when installed (gtkwave is not a dependency: it brings GTK along).
    if shutil.which("vcd2fst") and shutil.which("fst2vcd"):
        q = subprocess.run(["vcd2fst", str(vcd), str(tmp / "w.fst")], capture_output=True, timeout=60)
        if check(f"{rel}: GTKWave's vcd2fst accepts the file", q.returncode == 0, q.stderr):
            q = subprocess.run(["fst2vcd", str(tmp / "w.fst")], capture_output=True, text=True, timeout=60)
            try:
                back = read_vcd(q.stdout)[1]
            except VcdError as e:
                back = str(e)
            check(f"{rel}: the same waves after a round trip through FST", back == waves)
    bad = []
    for cs in r["cpu_states"]:
        c = cs["cpu"]
        w = waves.get(f"cpu{c}", {})
        if not w:
            bad.append(f"cpu{c}: no scope")
            continue
        if final(w["online"]) != int(cs["online"]):
            bad.append(f"cpu{c}: online {final(w['online'])} vs report {cs['online']}")
        stopped = cs["final"] in ("parked", "off", "el3_wedged")
        if final(w["stopped"]) != int(stopped):
            bad.append(f"cpu{c}: stopped {final(w['stopped'])} vs final {cs['final']}")
        if cs["stopped_ns"] is not None:
            t = round(cs["stopped_ns"] * 1000)
            if rises(w["stopped"]) != [t]:
                bad.append(f"cpu{c}: stopped rose at {rises(w['stopped'])}, report says {t} ps")
            fell = falls(w["online"])
            if cs["online"] is False and fell and fell[-1] > t:
                bad.append(f"cpu{c}: online fell at {fell[-1]} ps, after it stopped at {t}")
            if cs["stopped_by"] in CTX and at(w["ctx"], t) != CTX[cs["stopped_by"]]:
                bad.append(f"cpu{c}: ctx {at(w['ctx'], t)} when stopped by {cs['stopped_by']}")
            if cs["stopped_by"] in CTX and at(w["in_handler"], t) != 1:
                bad.append(f"cpu{c}: not in a handler when stopped by {cs['stopped_by']}")
        if cs["el3"] is not None:
            if final(w["sdei_masked"]) != int(cs["el3"]["pe_masked"]):
                bad.append(f"cpu{c}: sdei_masked {final(w['sdei_masked'])} vs {cs['el3']['pe_masked']}")
            if final(w["sdei_event0"]) != EVENT0[cs["el3"]["event0"]]:
                bad.append(f"cpu{c}: sdei_event0 {final(w['sdei_event0'])} vs {cs['el3']['event0']}")
        if cs["sbi"] is not None:
            s = cs["sbi"]
            if final(w["sse_masked"]) != int(s["sse_masked"]):
                bad.append(f"cpu{c}: sse_masked {final(w['sse_masked'])} vs {s['sse_masked']}")
            if final(w["sse_event"]) != SSE[s["sse_event"]]:
                bad.append(f"cpu{c}: sse_event {final(w['sse_event'])} vs {s['sse_event']}")
            if final(w["sse_pending"]) != int(bool(s["sse_pending"])):
                bad.append(f"cpu{c}: sse_pending {final(w['sse_pending'])} vs {s['sse_pending']}")
            if final(w["hsm_started"]) != int(s["hsm"] == "started"):
                bad.append(f"cpu{c}: hsm_started {final(w['hsm_started'])} vs {s['hsm']}")
        # Masks at the end: a CPU parked in an interrupt handler has them all up.
        if cs["final"] == "parked" and cs["stopped_by"] in ("irq", "pseudo_nmi") and r["arch"] == "arm64":
            if not final(w["daif"]) & 0b0010:
                bad.append(f"cpu{c}: parked in a handler with DAIF.I clear")
        if cs["final"] == "parked" and cs["stopped_by"] == "irq" and r["arch"] == "x86" and final(w["if"]) != 0:
            bad.append(f"cpu{c}: parked in an interrupt handler with IF=1")
        if cs["final"] == "parked" and cs["stopped_by"] == "nmi" and r["arch"] == "x86" and final(w["nmi_blocked"]) != 1:
            bad.append(f"cpu{c}: parked in an NMI handler with NMIs unblocked")
        if cs["final"] == "parked" and cs["stopped_by"] == "irq" and r["arch"] == "riscv" and final(w["sie"]) != 0:
            bad.append(f"cpu{c}: parked in an interrupt handler with SIE=1")
    check(f"{rel}: waveform agrees with the report", not bad, "; ".join(bad[:6]))


DIAG = re.compile(r"^\[ *(\d+)\.(\d{9}) s\] \[cpu (\d+|-)\] \[(trace|debug|info|warn)\] (\w+): .+$")


def check_log_level(tmp):
    f = str(LIB / "arm64/clean-stop.yaml")
    plain = sh("run", f)
    check("default run: nothing on stderr", plain.stderr == b"", plain.stderr[:300])
    p = sh("run", f, "--log-level", "debug")
    check("--log-level debug: exit as without", p.returncode == plain.returncode, p.returncode)
    check("--log-level debug: stdout byte-identical", p.stdout == plain.stdout)
    lines = p.stderr.decode().splitlines()
    parsed = [DIAG.match(line) for line in lines]
    check("--log-level debug: every stderr line has simulated time, CPU, level, component",
          lines and all(parsed), [l for l, m in zip(lines, parsed) if not m][:3])
    parsed = [m for m in parsed if m]
    times = [int(m[1]) * 10**9 + int(m[2]) for m in parsed]
    check("--log-level debug: simulated time never goes back", times == sorted(times))
    check("--log-level debug: SGIs sent and pending, with their CPU",
          any(m[5] == "gic" and "SGI" in m[0] and "sent" in m[0] and m[3] != "-" for m in parsed)
          and any(m[5] == "gic" and "pending" in m[0] for m in parsed), lines[:5])
    check("--log-level debug: IRQs taken", any(m[5] == "pe" and "IRQ taken" in m[0] for m in parsed))
    check("--log-level debug: no trace lines", not any(m[4] == "trace" for m in parsed))
    t = sh("run", f, "--log-level", "trace")
    check("--log-level trace: more than debug, stdout unchanged",
          t.stdout == plain.stdout and len(t.stderr) > len(p.stderr) and b"[trace]" in t.stderr)
    i = sh("run", f, "--log-level", "info")
    check("--log-level info: no debug lines", b"[debug]" not in i.stderr and i.stdout == plain.stdout)
    j = sh("run", f, "--log-level", "debug", "--json", "-")
    j0 = sh("run", f, "--json", "-")
    check("--log-level debug --json -: stdout is the report alone",
          strip_host(json.loads(j.stdout)) == strip_host(json.loads(j0.stdout)))
    for rel, comp, what in (("x86/kdump-cpu-in-nmi.yaml", "apic", "NMI"), ("riscv/sse-v3-normal-stop.yaml", "sbi", "ecall"),
                            ("arm64/daif-wedged-sdei-v4.yaml", "el3", "SMC")):
        a = sh("run", str(LIB / rel), "--log-level", "debug")
        b = sh("run", str(LIB / rel))
        check(f"--log-level debug on {rel}: {comp} events, stdout unchanged",
              a.stdout == b.stdout and re.search(rf"\] {comp}: .*{what}".encode(), a.stderr), a.stderr[:300])
    faulty = sh("run", str(LIB / "arm64/late-irq-window.yaml"), "--log-level", "info")
    check("--log-level info: an injected fault firing is reported",
          re.search(rb"\[cpu 2\] \[info\] gic: SGI 2 delayed by a fault \(cpu 0 -> cpu 2\), [0-9.]+ us late", faulty.stderr),
          faulty.stderr[:300])
    bad = sh("run", f, "--log-level", "chatty")
    check("--log-level chatty: exit 2 listing the levels",
          bad.returncode == 2 and b"trace, debug, info, warn" in bad.stderr and bad.stdout == b"", bad.stderr)
    nov = sh("run", f, "--vcd", str(tmp / "no" / "such" / "dir" / "w.vcd"))
    check("--vcd into a missing folder: exit 2, cannot write", nov.returncode == 2 and b"cannot write" in nov.stderr,
          nov.stderr)


def check_sweep(tmp):
    f = str(LIB / "arm64/late-irq-window.yaml")
    sweep = ["sweep", f, "--seeds", "1..3", "--jobs", "2", "--quiet"]
    plain = sh(*sweep, "--out", str(tmp / "plain.csv"))
    some, every = tmp / "some", tmp / "every"
    some.mkdir()
    every.mkdir()
    p = sh(*sweep, "--out", str(tmp / "some.csv"), "--vcd-dir", str(some), "--vcd-rows", "r000001")
    check("sweep --vcd-rows r000001: exit as without", p.returncode == plain.returncode == 0, p.stderr)
    check("sweep --vcd-rows r000001: that run's waveform alone", sorted(x.name for x in some.iterdir()) == ["r000001.vcd"],
          list(some.iterdir()))
    check("sweep --vcd-dir: the CSV is the same bytes as without",
          (tmp / "some.csv").read_bytes() == (tmp / "plain.csv").read_bytes())
    alone = tmp / "alone.vcd"
    sh("run", f, "--seed", "2", "--vcd", str(alone), "--quiet")
    check("sweep --vcd-dir: r000001 is the waveform 'run --seed 2 --vcd' writes",
          (some / "r000001.vcd").exists() and (some / "r000001.vcd").read_bytes() == alone.read_bytes())
    p = sh(*sweep, "--out", str(tmp / "every.csv"), "--vcd-dir", str(every))
    check("sweep --vcd-dir alone: every run", sorted(x.name for x in every.iterdir()) ==
          ["r000000.vcd", "r000001.vcd", "r000002.vcd"], list(every.iterdir()))
    p = sh(*sweep, "--out", str(tmp / "bad.csv"), "--vcd-dir", str(some), "--vcd-rows", "r000009")
    check("sweep --vcd-rows naming no run: exit 2", p.returncode == 2 and b"r000009" in p.stderr, p.stderr)
    p = sh(*sweep, "--out", str(tmp / "bad2.csv"), "--vcd-dir", str(tmp / "missing"))
    check("sweep --vcd-dir into a missing folder: exit 2", p.returncode == 2 and b"--vcd-dir" in p.stderr, p.stderr)
    p = sh(*sweep, "--out", str(tmp / "bad3.csv"), "--vcd-rows", "r000001")
    check("sweep --vcd-rows without --vcd-dir: exit 2", p.returncode == 2, p.stderr)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        for rel in SCENARIOS:
            check_scenario(rel, tmp)
        check_log_level(tmp)
        check_sweep(tmp)
    failed = results.count(False)
    print(f"{len(results) - failed} of {len(results)} checks passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
