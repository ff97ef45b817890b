"""End-to-end demonstration run by ``make demo`` (``python -m gradkit.demo``)."""

from __future__ import annotations

import numpy as np

import gradkit
from gradkit.compat import numpy_gradient


def _fmt(values) -> str:
    return "[" + ", ".join(f"{float(v):g}" for v in np.asarray(values)) + "]"


def _explain_seed() -> None:
    """`gradkit explain` on the seed example: the derivation as text, and the picture."""
    import importlib.util
    import os
    import tempfile

    from gradkit.cli import main as cli_main

    args = ["explain", "4", "1", "1", "16", "--coords", "-2", "-1", "1", "4", "--at", "1"]
    path = None
    if importlib.util.find_spec("matplotlib") is not None:
        folder = os.path.join(tempfile.gettempdir(), "gradkit-demo")
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, "seed_explain.png")
        args += ["--plot", path]
    print("Where does -2 at index 1 come from?")
    print("$ gradkit " + " ".join(args))
    cli_main(args)
    if path is None:  # pragma: no cover - matplotlib is an optional extra
        print("(matplotlib is not installed, so no picture: pip install 'gradkit[plot]')")
    else:
        print(f"The picture of this stencil (samples, parabola, tangent, hl and hr) is in: {path}")


def main() -> None:
    x = np.array([-2.0, -1.0, 1.0, 4.0])
    f = x**2  # [4, 1, 1, 16]
    print("The seed example: f(x) = x**2 sampled at x = -2, -1, 1, 4")
    print(f"  f = {_fmt(f)}")
    (df,) = gradkit.gradient(f, spacing=(x,))
    print(f"  gradkit.gradient(f, spacing=(x,))       -> {_fmt(df)}")
    print(f"  gradkit.compat.numpy_gradient(f, x)     -> {_fmt(numpy_gradient(f, x))}")
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is an optional extra
        print("  (torch is not installed: skipping the torch comparison)")
    else:
        from gradkit.compat import torch_gradient

        ft, xt = torch.tensor(f), torch.tensor(x)
        print(f"  gradkit.compat.torch_gradient(...)      -> {_fmt(torch_gradient(ft, spacing=(xt,))[0])}")
        print(f"  torch.gradient(...)                     -> {_fmt(torch.gradient(ft, spacing=(xt,))[0])}")
    hl, hr = x[1] - x[0], x[2] - x[1]
    print(
        f"  at index 1: hl = {hl:g}, hr = {hr:g};  (hl**2 f[2] - hr**2 f[0] + (hr**2 - hl**2) f[1]) "
        f"/ (hr hl**2 + hl hr**2) = {(hl**2 * f[2] - hr**2 * f[0] + (hr**2 - hl**2) * f[1]) / (hr * hl**2 + hl * hr**2):g}"
    )
    print("  the edges use the one-sided slope: (1 - 4)/1 = -3 and (16 - 1)/3 = 5")
    print()
    _explain_seed()
    print()
    g = np.array([1.0, 2.0, 3.0, 4.0])
    print(f"f = {_fmt(g)}")
    print(f"  default spacing            -> {_fmt(gradkit.gradient(g)[0])}")
    print(f"  coordinates [1, 2, 3, 4]   -> {_fmt(gradkit.gradient(g, spacing=(np.array([1, 2, 3, 4]),))[0])}")
    print(f"  coordinates [2, 4, 6, 8]   -> {_fmt(gradkit.gradient(g, spacing=(np.array([2, 4, 6, 8]),))[0])}")


if __name__ == "__main__":
    main()
