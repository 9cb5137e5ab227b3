#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A tree that calls what the shim lacks (tests/source/missing-tree) is an exit-2 message naming the
line in that tree; the mini tree's SDEI scenario meets its expectations.

usage: missing_tree.py STOPSIM SCENARIO_DIR
"""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import srctest

here = os.path.dirname(os.path.abspath(__file__))
stopsim, scen = sys.argv[1], sys.argv[2]
tree = os.path.join(here, "missing-tree")
rc, j, err = srctest.run(stopsim, os.path.join(scen, "arm64", "clean-stop.yaml"), tree)
want = ("stopsim: %s/arch/arm64/kernel/smp.c:50: needs 'stop_machine_hard()', which the stopsim kernel shim "
        "does not provide\n" % tree)
ok = rc == 2 and err == want
print(("ok   " if ok else "FAIL ") + "missing-tree: exit %d, %r" % (rc, err))
rc2, j2, err2 = srctest.run(stopsim, os.path.join(here, "mini-sdei.yaml"))
ok2 = rc2 == 0 and j2["cpu_states"][2]["stopped_by"] == "sdei"
print(("ok   " if ok2 else "FAIL ") + "mini-tree SDEI rung: exit %d %s" % (rc2, err2))
sys.exit(0 if ok and ok2 else 1)
