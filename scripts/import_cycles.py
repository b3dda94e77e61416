#!/usr/bin/env python3
"""Finds import loops between the Rust files of the workspace.

A file depends on another when it names an item the other defines: `use crate::a::B`, `use super::{b::C, D}`, or a
path written in code (`crate::lots::pro_rata(...)`). A path that reaches an item through a re-export
(`pub use context::AccountContext` in `compliance/mod.rs`) is followed to the file that defines the item, so a
module's `mod.rs` is a dependency only of the files that use what it defines itself. `mod x;` declarations are not
imports. Comments and doc comments are ignored.

    python3 scripts/import_cycles.py            # every crate of the workspace; exit 1 on a loop
    python3 scripts/import_cycles.py --graph    # also prints each file's dependencies
"""

import os
import re
import sys

CRATES = {
    "kairo-core/src": "lib.rs",
    "kairo-server/src": "lib.rs",
    "kairo-py/src": "lib.rs",
    "kairo-node/src": "lib.rs",
}


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r'"(?:\\.|[^"\\])*"', '""', text)
    return re.sub(r"//[^\n]*", "", text)


def expand_use(tree):
    """`a::{b, c::{d, e}}` -> ["a::b", "a::c::d", "a::c::e"]."""
    tree = tree.strip()
    depth, brace = 0, -1
    for i, ch in enumerate(tree):
        if ch == "{":
            if depth == 0:
                brace = i
            depth += 1
        elif ch == "}":
            depth -= 1
    if brace < 0:
        return [re.sub(r"\s+as\s+\w+$", "", tree)]
    prefix, inner = tree[:brace], tree[brace + 1 : tree.rindex("}")]
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(inner):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(inner[start:i])
            start = i + 1
    parts.append(inner[start:])
    out = []
    for p in parts:
        if p.strip():
            out += [prefix + q for q in expand_use(p)]
    return out


class Crate:
    def __init__(self, root):
        self.root = root
        self.files = {}  # module path (tuple) -> file
        self.text = {}
        for dirpath, _, names in os.walk(root):
            for name in names:
                if not name.endswith(".rs"):
                    continue
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, root)[:-3].split(os.sep)
                if rel == ["lib"] or rel == ["main"]:
                    module = ()
                elif rel[-1] == "mod":
                    module = tuple(rel[:-1])
                else:
                    module = tuple(rel)
                if rel[0] == "bin":
                    continue
                self.files[module] = path
                with open(path) as f:
                    text = strip_comments(f.read())
                # Inside a file's inline test module, `super` is the file itself.
                test = re.search(r"#\[cfg\(test\)\]\s*mod\s+\w+\s*\{", text)
                if test:
                    text = text[: test.start()] + text[test.start() :].replace("super::", "self::")
                self.text[module] = text
        self.reexports = {m: self.find_reexports(m) for m in self.files}

    def uses(self, module):
        text = self.text[module]
        for m in re.finditer(r"\buse\s+([^;]+);", text):
            yield from expand_use(m.group(1))

    def find_reexports(self, module):
        """Names a module re-exports: name -> absolute path of the item."""
        out = {}
        for m in re.finditer(r"\bpub(?:\([^)]*\))?\s+use\s+([^;]+);", self.text[module]):
            for path in expand_use(m.group(1)):
                absolute = self.absolute(module, path.split("::"))
                if absolute is not None and absolute[-1] not in ("*", "self"):
                    out[absolute[-1]] = absolute
        return out

    def absolute(self, module, segs):
        segs = [s.strip() for s in segs if s.strip()]
        if not segs:
            return None
        if segs[0] == "crate":
            return tuple(segs[1:])
        if segs[0] == "self":
            return module + tuple(segs[1:])
        if segs[0] == "super":
            base = list(module)
            while segs and segs[0] == "super":
                if not base:
                    return None
                base.pop()
                segs = segs[1:]
            return tuple(base) + tuple(segs)
        if (segs[0],) + () in self.files or module + (segs[0],) in self.files:
            # `use child::Item` inside a module (2018 paths relative to the current module)
            if module + (segs[0],) in self.files:
                return module + tuple(segs)
        return None

    def resolve(self, path, seen=()):
        """The file defining `path` (absolute segments), following re-exports."""
        path = tuple(path)
        for cut in range(len(path), -1, -1):
            module = path[:cut]
            if module in self.files:
                rest = path[cut:]
                if rest and rest[0] in self.reexports.get(module, {}) and path not in seen:
                    target = self.reexports[module][rest[0]]
                    if target + rest[1:] != path:
                        return self.resolve(target + rest[1:], seen + (path,))
                return module
        return None

    def graph(self):
        edges = {m: set() for m in self.files}
        for module in self.files:
            paths = [p.split("::") for p in self.uses(module)]
            text = self.text[module]
            # Paths written in code, outside use declarations.
            body = re.sub(r"\buse\s+[^;]+;", "", text)
            paths += [m.group(0).split("::") for m in re.finditer(r"\b(?:crate|super)(?:::\w+)+", body)]
            for segs in paths:
                absolute = self.absolute(module, segs)
                if absolute is None:
                    continue
                if absolute and absolute[-1] in ("*", "self"):
                    absolute = absolute[:-1]
                target = self.resolve(absolute)
                if target is not None and target != module:
                    edges[module].add(target)
        return edges


def cycles(edges):
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(comp)

    sys.setrecursionlimit(10000)
    for v in edges:
        if v not in index:
            strong(v)
    return out


def main():
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    failed = False
    for root in CRATES:
        crate = Crate(os.path.join(here, root))
        edges = crate.graph()
        if "--graph" in sys.argv:
            for m in sorted(edges):
                print(crate.files[m], "->", sorted(crate.files[t] for t in edges[m]))
        for comp in cycles(edges):
            failed = True
            names = sorted(os.path.relpath(crate.files[m], here) for m in comp)
            print(f"import loop in {root}: " + ", ".join(names))
            for m in comp:
                inside = sorted(os.path.relpath(crate.files[t], here) for t in edges[m] if t in comp)
                print(f"  {os.path.relpath(crate.files[m], here)} -> {', '.join(inside)}")
    if failed:
        sys.exit(1)
    print("no import loop between the files of " + ", ".join(CRATES))


if __name__ == "__main__":
    main()
