#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The key tables of docs/scenario-format.md are printed from the scenario schema (sim/scenario/schema.cpp):
each block between `<!-- keys: SECTION -->` and `<!-- /keys -->` must be exactly what
`stopsim keys SECTION --markdown` prints, so the doc and the loader cannot drift apart. A change
to the schema is recorded with `keys_doc.py EXE DOC --update`.

usage: keys_doc.py EXE DOC [--update]
"""
import pathlib
import re
import subprocess
import sys

BLOCK = re.compile(r"(<!-- keys: (\S+) -->\n)(.*?)(<!-- /keys -->)", re.S)


def table(exe, section):
    p = subprocess.run([exe, "keys", section, "--markdown"], capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        raise SystemExit(f"stopsim keys {section}: exit {p.returncode}\n{p.stderr}")
    return p.stdout


def main():
    exe, doc = sys.argv[1], pathlib.Path(sys.argv[2])
    update = "--update" in sys.argv[3:]
    text = doc.read_text()
    blocks = list(BLOCK.finditer(text))
    if not blocks:
        raise SystemExit(f"{doc}: no <!-- keys: SECTION --> blocks")
    stale = []
    out = text
    for m in reversed(blocks):
        want = table(exe, m.group(2))
        if m.group(3) != want:
            stale.append(m.group(2))
            out = out[:m.start(3)] + want + out[m.end(3):]
    # Every section of the schema has its table somewhere in the doc.
    listed = {m.group(2) for m in blocks}
    p = subprocess.run([exe, "keys", "no-such-section"], capture_output=True, text=True, timeout=60)
    sections = re.search(r"\(sections: (.*)\)", p.stderr)
    missing = sorted(set(sections.group(1).split(", ")) - listed) if sections else ["(could not list sections)"]
    if update:
        doc.write_text(out)
        print(f"keys_doc: {len(stale)} table(s) rewritten")
        return
    if stale or missing:
        for s in stale:
            print(f"FAIL {doc}: the table of '{s}' differs from `stopsim keys {s} --markdown` (run with --update)")
        for s in missing:
            print(f"FAIL {doc}: no table for schema section '{s}'")
        raise SystemExit(1)
    print(f"keys_doc: {len(blocks)} tables match the schema")


if __name__ == "__main__":
    main()
