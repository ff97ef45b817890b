"""Home-made AST mutator for gradkit (issue 10 item 8).

Mutants are made by replacing the exact byte span of one AST node (or of the
operator between two operands) in the original source, so line numbers and
formatting of everything else are unchanged.  Enumeration is deterministic.

    python tools/mutation/mutate.py            # counts per file
    python tools/mutation/mutate.py --list     # every mutant id
"""
from __future__ import annotations

import ast
import bisect
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGETS = [
    "src/gradkit/stencils.py",
    "src/gradkit/_args.py",
    *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "src/gradkit/kernels").glob("*.py")),
    "src/gradkit/compat.py",
    *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "src/gradkit/explain").glob("*.py")),
    "src/gradkit/cli.py",
]

BINOP_SWAP = {
    ast.Add: [("+", "-")], ast.Sub: [("-", "+")],
    ast.Mult: [("*", "/")], ast.Div: [("/", "*"), ("/", "//")],
    ast.FloorDiv: [("//", "/")], ast.Pow: [("**", "*")],
}
CMP_SWAP = {
    ast.Lt: ("<", "<="), ast.LtE: ("<=", "<"), ast.Gt: (">", ">="), ast.GtE: (">=", ">"),
    ast.Eq: ("==", "!="), ast.NotEq: ("!=", "=="),
}


@dataclass(frozen=True)
class Mutant:
    id: str          # file:line:col:operator:index
    file: str
    line: int
    start: int       # byte offsets in the original file
    end: int
    new: bytes
    old: bytes

    def apply(self, src: bytes) -> bytes:
        assert src[self.start:self.end] == self.old
        return src[:self.start] + self.new + src[self.end:]


class _Offsets:
    def __init__(self, src: bytes):
        self.starts = [0]
        for m in re.finditer(b"\n", src):
            self.starts.append(m.end())

    def __call__(self, line: int, col: int) -> int:
        return self.starts[line - 1] + col


def _docstring_ids(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                out.add(id(body[0]))
    return out


def _is_warn_call(n: ast.AST) -> bool:
    f = n.func if isinstance(n, ast.Call) else None
    return (isinstance(f, ast.Attribute) and f.attr == "warn") or (isinstance(f, ast.Name) and f.id == "warn")


def _skipped(tree: ast.AST) -> set[int]:
    """Nodes inside docstrings, f-strings, annotations, the message arguments
    of raise/assert and the message argument of warnings.warn."""
    skip: set[int] = set()
    doc = _docstring_ids(tree)            # computed once (was once per node: quadratic)
    roots = [n for n in ast.walk(tree) if id(n) in doc or isinstance(n, ast.JoinedStr)]
    for n in ast.walk(tree):
        if isinstance(n, ast.arg) and n.annotation is not None:
            roots.append(n.annotation)
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.returns is not None:
            roots.append(n.returns)
        if isinstance(n, ast.AnnAssign):
            roots.append(n.annotation)
        if _is_warn_call(n) and n.args:
            roots.append(n.args[0])
        if isinstance(n, ast.Raise) and n.exc is not None:
            roots.append(n.exc)   # exception constructor and its message
        if isinstance(n, ast.Assert) and n.msg is not None:
            roots.append(n.msg)
    for r in roots:
        for d in ast.walk(r):
            skip.add(id(d))
    return skip


def enumerate_file(rel: str) -> list[Mutant]:
    path = ROOT / rel
    src = path.read_bytes()
    tree = ast.parse(src)
    off = _Offsets(src)
    skip = _skipped(tree)
    out: list[Mutant] = []

    def span(node):
        return off(node.lineno, node.col_offset), off(node.end_lineno, node.end_col_offset)

    def add(node, op, start, end, new: bytes, idx=0):
        old = src[start:end]
        if old == new:
            return
        # The id names the position of the replaced span, not of the node:
        # nested left-leaning BinOps (a - b - c) share the node position and
        # would otherwise collide and be silently deduplicated away.
        line = bisect.bisect_right(off.starts, start)
        col = start - off.starts[line - 1]
        mid = f"{rel}:{line}:{col}:{op}:{idx}"
        out.append(Mutant(mid, rel, line, start, end, new, old))

    def gap_replace(node, left, right, old_tok: str, new_tok: str, op, idx=0):
        a = off(left.end_lineno, left.end_col_offset)
        b = off(right.lineno, right.col_offset)
        gap = src[a:b]
        # strip comments/parens: find the operator token outside of comments
        m = None
        for mm in re.finditer(re.escape(old_tok.encode()), gap):
            before = gap[:mm.start()]
            if b"#" in before.split(b"\n")[-1]:
                continue
            after = gap[mm.end():mm.end() + 1]
            prev = gap[mm.start() - 1:mm.start()] if mm.start() else b""
            if old_tok in ("*", "/", "<", ">") and (after in (b"*", b"/", b"=") or prev in (b"*", b"/")):
                continue
            m = mm
            break
        if m is None:
            return
        add(node, op, a + m.start(), a + m.end(), new_tok.encode(), idx)

    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.BinOp) and type(node.op) in BINOP_SWAP:
            for i, (o, n) in enumerate(BINOP_SWAP[type(node.op)]):
                gap_replace(node, node.left, node.right, o, n, "binop", i)
        elif isinstance(node, ast.AugAssign) and type(node.op) in BINOP_SWAP:
            for i, (o, n) in enumerate(BINOP_SWAP[type(node.op)]):
                gap_replace(node, node.target, node.value, o + "=", n + "=", "augop", i)
        elif isinstance(node, ast.Compare):
            left = node.left
            for i, (op, right) in enumerate(zip(node.ops, node.comparators)):
                if type(op) in CMP_SWAP:
                    o, n = CMP_SWAP[type(op)]
                    gap_replace(node, left, right, o, n, "cmp", i)
                elif isinstance(op, (ast.Is, ast.IsNot, ast.In, ast.NotIn)):
                    a = off(left.end_lineno, left.end_col_offset)
                    b = off(right.lineno, right.col_offset)
                    new = {ast.Is: b" is not ", ast.IsNot: b" is ", ast.In: b" not in ", ast.NotIn: b" in "}[type(op)]
                    gap = src[a:b]
                    if b"#" not in gap and b"(" not in gap and b")" not in gap:
                        add(node, "cmp", a, b, new, i)
                left = right
        elif isinstance(node, ast.BoolOp):
            o, n = ("and", "or") if isinstance(node.op, ast.And) else ("or", "and")
            for i, (l, r) in enumerate(zip(node.values, node.values[1:])):
                gap_replace(node, l, r, o, n, "boolop", i)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            s, e = span(node)
            os_, oe = span(node.operand)
            add(node, "not", s, e, b"(" + src[os_:oe] + b")")
        elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
            s, e = span(node)
            add(node, "bool", s, e, b"False" if node.value else b"True")
        elif isinstance(node, ast.Constant) and type(node.value) is int:
            s, e = span(node)
            v = node.value
            add(node, "int", s, e, str(v + 1).encode(), 0)
            add(node, "int", s, e, str(v - 1).encode() if v != 0 else b"1", 1)
        elif isinstance(node, ast.Raise):
            s, e = span(node)
            nl = src[s:e].count(b"\n")
            add(node, "raise", s, e, b"pass" + b"\n" * nl)
        elif isinstance(node, ast.Return) and node.value is not None:
            if isinstance(node.value, ast.Constant) and node.value.value is None:
                continue
            s, e = span(node.value)
            nl = src[s:e].count(b"\n")
            add(node, "return", s, e, b"None" + b"\n" * nl)
        elif isinstance(node, ast.Slice):
            for i, b in enumerate((node.lower, node.upper)):
                if b is None or id(b) in skip:
                    continue
                s, e = span(b)
                seg = src[s:e]
                add(b, "slice", s, e, b"(" + seg + b") + 1", 2 * i)
                add(b, "slice", s, e, b"(" + seg + b") - 1", 2 * i + 1)
    # keep only mutants that still parse.  Token swaps, integer and slice
    # edits always give valid syntax; only statement-level replacements
    # (raise -> pass, return x -> return None, not x -> (x)) are re-parsed,
    # which keeps enumeration fast (a full re-parse of every mutant took ~2 min).
    good = []
    seen = set()
    for m in sorted(out, key=lambda m: (m.start, m.id)):
        if m.id in seen:
            continue
        seen.add(m.id)
        if m.id.split(":")[3] in ("raise", "return", "not"):
            try:
                ast.parse(m.apply(src))
            except SyntaxError:
                continue
        good.append(m)
    return good


def enumerate_all() -> list[Mutant]:
    out = []
    for rel in TARGETS:
        out.extend(enumerate_file(rel))
    return out


if __name__ == "__main__":
    ms = enumerate_all()
    if "--list" in sys.argv:
        for m in ms:
            print(m.id, repr(m.old.decode()), "->", repr(m.new.decode()))
    else:
        from collections import Counter
        c = Counter(m.file for m in ms)
        for f in TARGETS:
            print(f"{c[f]:6d} {f}")
        print(f"{len(ms):6d} total")
