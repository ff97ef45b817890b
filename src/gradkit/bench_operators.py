"""Benchmark rows for the operators and differentiation matrices (issue 13).

Measured by ``make bench`` (through :func:`gradkit.bench.run`), never in the
tests:

- the Laplacian of a 3-D field (256³ float64; 64³ with ``quick``) against
  findiff's ``Laplacian`` and against the sum of ``np.gradient`` applied twice
  per axis, all at second order; with each result's max error against the
  analytic Laplacian, since the three do not compute the same numbers
  (``np.gradient`` twice is a wide five-point stencil with first-order edges);
- the build time of the 2-D Laplacian matrix (512² unknowns; 128² with
  ``quick``) against findiff's ``.matrix()``.

Examples
--------
>>> from gradkit import bench_operators
>>> rows = bench_operators.rows(quick=True, repeat=1)   # doctest: +SKIP
"""

from __future__ import annotations

import time
from typing import Any, Callable

import numpy as np

__all__ = ["rows", "markdown"]


def _best(fn: Callable[[], Any], repeat: int) -> float:
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _field(n: int) -> tuple[np.ndarray, float, np.ndarray]:
    x = np.linspace(0, 1, n)
    h = float(x[1] - x[0])
    X, Y, Z = np.meshgrid(x, x, x, indexing="ij", sparse=True)
    f = np.sin(2 * X) * np.cos(3 * Y) * np.exp(Z)
    return f, h, (-4 - 9 + 1) * f


def _numpy_twice(f: np.ndarray, h: float) -> np.ndarray:
    total = np.zeros_like(f)
    for axis in range(f.ndim):
        total += np.gradient(np.gradient(f, h, axis=axis), h, axis=axis)
    return total


def rows(quick: bool = False, repeat: int = 3) -> list[dict]:
    """Time the operator cases; each row holds seconds and max errors per library."""
    import gradkit

    try:
        import findiff
    except ImportError:  # pragma: no cover - the bench extra installs it
        findiff = None
    out = []
    n = 64 if quick else 256
    f, h, exact = _field(n)
    f = np.ascontiguousarray(np.broadcast_to(f, (n, n, n)))
    exact = np.broadcast_to(exact, f.shape)
    contenders: dict[str, Callable[[], np.ndarray]] = {
        "gradkit": lambda: gradkit.laplacian(f, spacing=h),
        "np.gradient twice": lambda: _numpy_twice(f, h),
    }
    if findiff is not None:
        lap = findiff.Laplacian(h=[h, h, h], acc=2)
        contenders["findiff"] = lambda: lap(f)
    row: dict[str, Any] = {"case": f"laplacian, 3-D {n}^3 float64, accuracy 2"}
    for name, fn in contenders.items():
        row[f"{name}_s"] = _best(fn, repeat)
        row[f"{name}_err"] = float(np.abs(fn() - exact).max())
    out.append(row)

    m = 128 if quick else 512
    row = {"case": f"laplacian matrix, 2-D {m}x{m} ({m * m} unknowns), accuracy 2"}
    row["gradkit_s"] = _best(lambda: gradkit.laplacian_matrix((m, m), spacing=1.0 / (m - 1)), repeat)
    if findiff is not None:
        op = findiff.Diff(0, 1.0 / (m - 1)) ** 2 + findiff.Diff(1, 1.0 / (m - 1)) ** 2
        row["findiff_s"] = _best(lambda: op.matrix((m, m)), repeat)
    out.append(row)
    return out


def markdown(rows_: list[dict]) -> list[str]:
    """The rows as Markdown lines (time and, where measured, max error)."""
    if not rows_:
        return []
    libs = ("gradkit", "findiff", "np.gradient twice")
    lines = [
        "",
        "Operators: time (best of several runs) and max error against the analytic "
        "Laplacian; the ratio is that library's time over gradkit's.",
        "",
        "| case | " + " | ".join(libs) + " |",
        "|---|" + "---|" * len(libs),
    ]
    for row in rows_:
        cells = [row["case"]]
        base = row["gradkit_s"]
        for lib in libs:
            t = row.get(f"{lib}_s")
            if t is None:
                cells.append("—")
                continue
            text = f"{t * 1e3:.1f} ms" + ("" if lib == "gradkit" else f" ({t / base:.1f}×)")
            if f"{lib}_err" in row:
                text += f", error {row[f'{lib}_err']:.1e}"
            cells.append(text)
        lines.append("| " + " | ".join(cells) + " |")
    return lines
