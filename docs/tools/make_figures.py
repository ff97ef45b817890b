"""Make the figures of docs/how-it-works.md from gradkit itself.

Run from anywhere (needs matplotlib: ``pip install 'gradkit[plot]'``)::

    python docs/tools/make_figures.py

Writes docs/img/seed_explain.png (the point at index 1 of the seed example)
and docs/img/seed_edges.png (its two edges, with edge_order 1 and 2). Every
curve, weight and label in them comes from :meth:`gradkit.Explanation.plot`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

import gradkit

X = np.array([-2.0, -1.0, 1.0, 4.0])
F = X**2  # 4, 1, 1, 16
IMG = Path(__file__).resolve().parent.parent / "img"
#: No software version or date in the files, so that they only change when the picture does.
METADATA = {"Software": None}


def seed_explain(path: Path) -> None:
    fig = Figure(figsize=(7.5, 4.8), layout="constrained")
    gradkit.explain(F, 1, spacing=X).plot(ax=fig.add_subplot())
    fig.savefig(path, dpi=150, metadata=METADATA)


def seed_edges(path: Path) -> None:
    fig = Figure(figsize=(12, 8.5), layout="constrained")
    axes = fig.subplots(2, 2)
    for row, edge_order in enumerate((1, 2)):
        for col, index in enumerate((0, 3)):
            ax = axes[row, col]
            e = gradkit.explain(F, index, spacing=X, edge_order=edge_order)
            e.plot(ax=ax)
            kind = e.scheme.split(",")[0]  # "one-sided forward" / "one-sided backward"
            ax.set_title(
                f"edge_order={edge_order}, index {index}: f'(x[{index}]) ≈ {float(e.result):.6g}  "
                f"({kind}, {len(e.offsets)} points)",
                fontsize=10,
            )
    fig.suptitle("The edges of the seed example: edge_order 1 (a line) and 2 (a parabola)", fontsize=12)
    fig.savefig(path, dpi=110, metadata=METADATA)


def main() -> int:
    IMG.mkdir(parents=True, exist_ok=True)
    for name, make in (("seed_explain.png", seed_explain), ("seed_edges.png", seed_edges)):
        make(IMG / name)
        print(f"wrote {IMG / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
