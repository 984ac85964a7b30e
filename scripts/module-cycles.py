#!/usr/bin/env python3
"""Finds import cycles between the modules of a crate.

Reads every `crate::x` and `super::x` path in each module of the given
`src/` directories (comments skipped) and reports any cycle among the
modules, e.g. `cli -> compare -> cli`. Exit 1 if any crate has one.

    python3 scripts/module-cycles.py runner/src shared-util/src
"""
import os
import re
import sys


def module_name(root, path):
    rel = os.path.relpath(path, root)[:-3]
    if rel in ("lib", "main"):
        return "crate"
    return rel.replace("/mod", "").replace("/", "::")


def edges_of(root):
    edges = {}
    for folder, _, files in os.walk(root):
        for file in files:
            if not file.endswith(".rs"):
                continue
            path = os.path.join(folder, file)
            name = module_name(root, path)
            text = re.sub(r"//[^\n]*", "", open(path, encoding="utf-8").read())
            deps = set()
            # `use crate::{a, b::c}` names a and b.
            for m in re.finditer(r"\b(crate|super)::\{([^}]*)\}", text):
                for item in m.group(2).split(","):
                    head = item.strip().split("::")[0].strip()
                    if re.fullmatch(r"[a-z0-9_]+", head) and head != "self":
                        text += f"\n{m.group(1)}::{head}"
            for m in re.finditer(r"crate::([a-z0-9_]+)(?:::([a-z0-9_]+))?", text):
                dep = m.group(1)
                if m.group(2) and os.path.exists(os.path.join(root, dep, m.group(2) + ".rs")):
                    dep = dep + "::" + m.group(2)
                deps.add(dep)
            parent = name.rsplit("::", 1)[0] if "::" in name else ""
            for m in re.finditer(r"super::([a-z0-9_]+)", text):
                deps.add(parent + "::" + m.group(1) if parent else m.group(1))
            # A module's own tests (`use super::*`) are not an import.
            deps.discard("*")
            edges[name] = {d for d in deps if d != name and not name.startswith(d + "::")}
    return edges


def cycles(edges):
    found = set()

    def visit(node, path):
        for dep in edges.get(node, ()):
            if dep in path:
                cycle = path[path.index(dep):]
                start = cycle.index(min(cycle))
                found.add(tuple(cycle[start:] + cycle[:start]))
            elif len(path) < 12:
                visit(dep, path + [dep])

    for node in edges:
        visit(node, [node])
    return sorted(found)


def main():
    failed = False
    for root in sys.argv[1:] or ["runner/src", "shared-util/src", "test-harness/src"]:
        found = cycles(edges_of(root))
        if found:
            failed = True
            for cycle in found:
                print(f"{root}: import cycle: {' -> '.join(cycle + (cycle[0],))}")
        else:
            print(f"{root}: no import cycle among {len(edges_of(root))} modules")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
