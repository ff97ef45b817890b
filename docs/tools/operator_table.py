"""Print the convergence table of docs/operators.md: observed orders of the
operators (max error over all points, edges included) on 2-D analytic fields.

    PYTHONPATH=src python docs/tools/operator_table.py
"""

from __future__ import annotations

import math

import numpy as np

import gradkit


def grid(n: int, kind: str) -> np.ndarray:
    s = np.linspace(0, 1, n)
    if kind == "stretched":
        s = s + 0.1 * np.sin(2 * math.pi * s) / (2 * math.pi)
    elif kind == "perturbed":
        s = s + np.random.default_rng(n).uniform(-0.2, 0.2, n) / n
        s[0], s[-1] = 0.0, 1.0
    return 2 * s


def errors(n: int, kind: str, accuracy: int) -> dict[str, float]:
    x, y = grid(n, kind), grid(n + 3, kind)
    X, Y = np.meshgrid(x, y, indexing="ij")
    sp = (x, y) if kind != "uniform" else (x[1] - x[0], y[1] - y[0])
    kw = dict(spacing=sp, accuracy=accuracy)
    f = np.sin(X) * np.cos(2 * Y)
    u, v = np.sin(X) * np.sin(Y), np.cos(X) * np.cos(2 * Y)
    H = gradkit.hessian(f, **kw)
    J = gradkit.jacobian([u, v], **kw)
    return {
        "laplacian": np.abs(gradkit.laplacian(f, **kw) + 5 * f).max(),
        "divergence": np.abs(gradkit.divergence([u, v], **kw) - (np.cos(X) * np.sin(Y) - 2 * np.cos(X) * np.sin(2 * Y))).max(),
        "curl": np.abs(gradkit.curl([u, v], **kw) - (-np.sin(X) * np.cos(2 * Y) - np.sin(X) * np.cos(Y))).max(),
        "hessian (xy)": np.abs(H[0][1] + 2 * np.cos(X) * np.sin(2 * Y)).max(),
        "jacobian (du/dy)": np.abs(J[0][1] - np.sin(X) * np.cos(Y)).max(),
    }


def main() -> None:
    ns = (40, 80)
    print(f"observed order between n = {ns[0]} and {ns[1]} points per dim\n")
    print("| operator | grid | accuracy 2 | accuracy 4 | accuracy 6 |")
    print("|---|---|---:|---:|---:|")
    names = list(errors(ns[0], "uniform", 2))
    table = {}
    for kind in ("uniform", "stretched", "perturbed"):
        for acc in (2, 4, 6):
            e0, e1 = errors(ns[0], kind, acc), errors(ns[1], kind, acc)
            for name in names:
                table[(name, kind, acc)] = math.log(e0[name] / e1[name]) / math.log(ns[1] / ns[0])
    for name in names:
        for kind in ("uniform", "stretched", "perturbed"):
            print(f"| {name} | {kind} | " + " | ".join(f"{table[(name, kind, a)]:.2f}" for a in (2, 4, 6)) + " |")


if __name__ == "__main__":
    main()
