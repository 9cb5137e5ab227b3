#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Draw some signals of a stopsim --vcd file as a waveform picture, in the manner of a waveform
viewer, with gnuplot (gnuplot-nox; no display needed). Used for docs/images/.

  scripts/vcd_plot.py run.vcd out.png --from-us 103.9 --to-us 106.2 \\
      cpu0.ctx cpu1.online cpu1.stopped cpu1.daif ...
"""
import argparse
import pathlib
import subprocess
import sys
import tempfile


def read_vcd(path):
    tokens = pathlib.Path(path).read_text().split()
    ids, scope, i = {}, [], 0
    while tokens[i] != "$enddefinitions":
        t = tokens[i]
        if t == "$scope":
            scope.append(tokens[i + 2])
            i += 4
        elif t == "$upscope":
            scope.pop()
            i += 2
        elif t == "$var":
            ids[tokens[i + 3]] = (".".join(scope + [tokens[i + 4]]), int(tokens[i + 2]))
            i = tokens.index("$end", i) + 1
        elif t.startswith("$"):
            i = tokens.index("$end", i) + 1
        else:
            i += 1
    i += 2
    waves = {name: [] for name, _ in ids.values()}
    widths = {name: w for name, w in ids.values()}
    t, end = 0, 0
    while i < len(tokens):
        tok = tokens[i]
        i += 1
        if tok.startswith("#"):
            t = end = int(tok[1:])
        elif tok in ("$dumpvars", "$end"):
            pass
        elif tok[0] == "b":
            waves[ids[tokens[i]][0]].append((t, int(tok[1:], 2)))
            i += 1
        else:
            waves[ids[tok[1:]][0]].append((t, int(tok[0])))
    return waves, widths, end


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("vcd")
    ap.add_argument("out")
    ap.add_argument("signals", nargs="+", help="scope.name, top row first")
    ap.add_argument("--from-us", type=float, default=None)
    ap.add_argument("--to-us", type=float, default=None)
    ap.add_argument("--title", default="")
    ap.add_argument("--width", type=int, default=1100)
    a = ap.parse_args()
    waves, widths, end = read_vcd(a.vcd)
    t0 = a.from_us * 1e6 if a.from_us is not None else 0
    t1 = a.to_us * 1e6 if a.to_us is not None else end
    rows = len(a.signals)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        cmds, labels, plots = [], [], []
        for k, sig in enumerate(a.signals):
            if sig not in waves:
                sys.exit(f"vcd_plot: no signal {sig}")
            y = rows - 1 - k
            w = waves[sig]
            # The value in force at t0, then every change inside the window.
            pts = [(t0, next((v for tt, v in reversed(w) if tt <= t0), w[0][1] if w else 0))]
            pts += [(tt, v) for tt, v in w if t0 < tt < t1]
            pts.append((t1, pts[-1][1]))
            labels.append(f'set label "{sig}" at graph -0.01, first {y + 0.4} right font ",10" tc rgb "#e0e0e0" noenhanced')
            f = tmp / f"s{k}.dat"
            if widths[sig] == 1:
                f.write_text("".join(f"{(t - t0) / 1e6:.6f} {y + 0.1 + 0.6 * v}\n" for t, v in pts))
                plots.append(f'"{f}" using 1:2 with steps lw 1.6 lc rgb "#3cff3c" notitle')
            else:
                # A bus: two rails that cross at each change, the value written in each segment.
                lines = []
                for (ta, v), (tb, _) in zip(pts, pts[1:]):
                    xa, xb = (ta - t0) / 1e6, (tb - t0) / 1e6
                    d = min((xb - xa) / 2, (t1 - t0) / 1e6 * 0.004)
                    lines.append(f"{xa} {y + 0.4}\n{xa + d} {y + 0.7}\n{xb - d} {y + 0.7}\n{xb} {y + 0.4}\n\n")
                    lines.append(f"{xa} {y + 0.4}\n{xa + d} {y + 0.1}\n{xb - d} {y + 0.1}\n{xb} {y + 0.4}\n\n")
                    if xb - xa > (t1 - t0) / 1e6 * 0.03:
                        labels.append(f'set label "{v:X}" at first {(xa + xb) / 2}, first {y + 0.4} center font ",9" tc rgb "#ffffff"')
                f.write_text("".join(lines))
                plots.append(f'"{f}" using 1:2 with lines lw 1.4 lc rgb "#3cff3c" notitle')
        cmds += [
            f'set terminal pngcairo size {a.width},{60 + 26 * rows} background rgb "#101010" font "DejaVu Sans,10"',
            f'set output "{a.out}"',
            "set lmargin at screen 0.17", "set rmargin at screen 0.98",
            "set tmargin 2", "set bmargin 3",
            f'set title "{a.title}" tc rgb "#e0e0e0" noenhanced',
            f"set xrange [0:{(t1 - t0) / 1e6}]", f"set yrange [0:{rows}]",
            "unset ytics", 'set xtics tc rgb "#c0c0c0" nomirror',
            f'set xlabel "simulated us after t = {t0 / 1e6:.3f} us" tc rgb "#c0c0c0" noenhanced',
            'set border 1 lc rgb "#808080"',
            'set grid xtics lc rgb "#303030" lw 1 front',
        ]
        cmds += labels
        cmds.append("plot " + ", ".join(plots))
        script = tmp / "plot.gp"
        script.write_text("\n".join(cmds) + "\n")
        subprocess.run(["gnuplot", str(script)], check=True)


if __name__ == "__main__":
    main()
