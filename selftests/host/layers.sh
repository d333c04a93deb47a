#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The code's walls, checked on the built objects (nm): libsgw's layers use
# only what is below them (base: nothing of libsgw; netlink and ike: base
# and themselves; ipsec: all of them), and the parts of ikud and of ikeload
# call one another without a cycle (a lower part never calls a higher one;
# the orders are in ikud/ikud.h and ikeload/ikeload.h).
# Runs on the host after the build (selftests/check). 0 pass, 1 fail.

set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
obj=${SGW_OBJ:-$top/build/obj}
[ -d "$obj/libsgw" ] && [ -d "$obj/ikud" ] || { echo "SKIP: build first"; exit 4; }
command -v nm >/dev/null || { echo "SKIP: nm missing"; exit 4; }

python3 - "$obj" <<'PY'
import collections, glob, os, subprocess, sys

obj = sys.argv[1]

def symbols(paths):
    """defined[symbol] = unit, undefined[unit] = {symbols}"""
    defined, undefined = {}, collections.defaultdict(set)
    for p in paths:
        unit = os.path.relpath(p, obj)[:-2]
        for line in subprocess.check_output(["nm", p], text=True).splitlines():
            f = line.split()
            if len(f) == 3 and f[1] in "TDBRC":
                defined[f[2]] = unit
            elif len(f) == 2 and f[0] == "U":
                undefined[unit].add(f[1])
    return defined, undefined

failed = False
lib = glob.glob(f"{obj}/libsgw/*/*.o")
defined, undefined = symbols(lib)
allowed = {"base": {"base"}, "netlink": {"base", "netlink"}, "ike": {"base", "ike"},
           "ipsec": {"base", "netlink", "ike", "ipsec"}}
for unit, syms in sorted(undefined.items()):
    layer = unit.split("/")[1]
    for s in sorted(syms):
        owner = defined.get(s)
        if owner and owner.split("/")[1] not in allowed[layer]:
            print(f"not ok - {unit} ({layer}) uses {s} of {owner}")
            failed = True
print(f"{'not ok' if failed else 'ok'} - libsgw: {len(lib)} objects, each layer uses only the ones below")

def no_cycles(prog):
    """a program's parts call one another without a cycle"""
    global failed
    parts = glob.glob(f"{obj}/{prog}/*.o")
    defined, undefined = symbols(parts)
    graph = collections.defaultdict(set)
    for unit, syms in undefined.items():
        for s in syms:
            owner = defined.get(s)
            if owner and owner != unit:
                graph[unit].add(owner)
    # Tarjan's strongly connected components: a component of two or more is a cycle
    index, low, stack, on, cycles, n = {}, {}, [], set(), [], [0]
    def visit(v):
        index[v] = low[v] = n[0]; n[0] += 1; stack.append(v); on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w); low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop(); on.discard(w); comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))
    for v in list(graph):
        if v not in index:
            visit(v)
    for c in cycles:
        print(f"not ok - {prog}: these parts call one another in a cycle: " + " ".join(c))
        for u in c:
            print(f"#   {u} -> {' '.join(sorted(graph[u] & set(c)))}")
        failed = True
    if not cycles:
        print(f"ok - {prog}: {len(parts)} parts, no call cycle")

no_cycles("ikud")
if glob.glob(f"{obj}/ikeload/*.o"):
    no_cycles("ikeload")
sys.exit(1 if failed else 0)
PY
