#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The RISC-V SSE shim API with the stopsim mini tree (tests/source/riscv-sse-tree, our own
kernel-style C): its kdump crash stop through a dedicated SSE event reaches a hart that masks
interrupts, meets the scenario's expectations, and runs like the riscv-sse-v1 transcription it is
written after (the x86/RISC-V cross-check's comparison and tolerance).

usage: riscv_sse_tree.py STOPSIM
"""
import os, sys, tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import srctest
import cross_check_x86_riscv as xc

here = os.path.dirname(os.path.abspath(__file__))
stopsim = sys.argv[1]
scen = os.path.join(here, "riscv-sse-mini.yaml")
rb, b, eb = srctest.run(stopsim, scen)
xc.check(rb == 0 and b is not None and b["kernel_source"]["version"] == "6.12.0",
         "mini tree: every expectation held (exit %d) %s" % (rb, eb))
# the same scenario, transcribed: without kernel.source / kernel.manifest
text = "".join(l for l in open(scen) if not l.lstrip().startswith(("source:", "manifest:")))
with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as t:
    t.write(text)
try:
    ra, a, ea = srctest.run(stopsim, t.name)
finally:
    os.unlink(t.name)
xc.check(ra == 0 and a is not None, "riscv-sse-v1 transcription: every expectation held (exit %d) %s" % (ra, ea))
if a is not None and b is not None:
    d = xc.compare("riscv-sse-mini", a, b, "riscv", True)
    xc.check(not d, "mini tree vs riscv-sse-v1: the same console, rungs, CPU states and times %s" % (d or ""))
    xc.check(xc.invariants(a) == xc.invariants(b) and xc.expectations(a) == xc.expectations(b),
             "mini tree vs riscv-sse-v1: the same invariants and expectations")
sys.exit(1 if xc.failures else 0)
