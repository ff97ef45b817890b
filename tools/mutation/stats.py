"""Kill rates of a campaign (tools/mutation/REPORT.md), with 95 % Wilson intervals.

    python tools/mutation/stats.py seed108 [seed108-extra]

Score = (killed + timeout) / (mutants - invalid - equivalent); mutants judged
equivalent (results/equivalent.txt: "id  reason" lines) are excluded.
The second run (--extra, with tests/test_mutation_kills.py) overrides the
first for the ids it reran.
"""
from __future__ import annotations

import json
import math
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
GROUPS = ["stencils", "_args", "kernels", "compat", "explain", "cli"]


def wilson(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return (c - h, c + h)


def load(name: str) -> dict:
    out = {}
    for line in (HERE / "results" / f"{name}.jsonl").read_text().splitlines():
        if line.strip():
            r = json.loads(line)
            out[r["id"]] = r
    return out


def equivalent() -> dict:
    p = HERE / "results" / "equivalent.txt"
    out = {}
    if p.exists():
        for line in p.read_text().splitlines():
            if line.strip() and not line.startswith("#"):
                mid, _, why = line.partition(" ")
                out[mid] = why.strip()
    return out


def score(recs: dict, eq: dict, label: str) -> None:
    tot = Counter()
    print(f"\n{label}")
    print(f"{'group':9s} {'mutants':>7s} {'killed':>6s} {'timeout':>7s} {'survived':>8s} {'error':>5s} "
          f"{'invalid':>7s} {'equiv':>5s} {'score':>7s}")
    for g in GROUPS + ["all"]:
        rs = [r for r in recs.values() if g == "all" or r["group"] == g]
        c = Counter(r["outcome"] for r in rs)
        e = sum(1 for r in rs if r["id"] in eq and r["outcome"] in ("survived", "error"))
        kill = c["killed"] + c["timeout"]
        den = len(rs) - c["invalid"] - e
        lo, hi = wilson(kill, den)
        print(f"{g:9s} {len(rs):7d} {c['killed']:6d} {c['timeout']:7d} {c['survived']:8d} {c['error']:5d} "
              f"{c['invalid']:7d} {e:5d} {kill}/{den} = {kill / den:.1%} [{lo:.1%}, {hi:.1%}]" if den else g)
    jit = [r for r in recs.values() if r.get("jit")]
    cj = Counter(r["outcome"] for r in jit)
    print(f"jit stratum: {len(jit)} mutants {dict(cj)}")


def main() -> None:
    names = sys.argv[1:]
    eq = equivalent()
    before = load(names[0])
    score(before, eq, f"before ({names[0]})")
    if len(names) > 1:
        after = dict(before)
        for name in names[1:]:
            after.update(load(name))
        score(after, eq, f"after ({' + '.join(names)})")
        left = [r for r in after.values() if r["outcome"] in ("survived", "error")]
        print("\nsurvivors after:")
        for r in left:
            print(" ", r["outcome"], r["id"], "EQUIVALENT: " + eq[r["id"]] if r["id"] in eq else "")


if __name__ == "__main__":
    main()
