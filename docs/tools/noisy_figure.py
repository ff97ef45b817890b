"""Make docs/img/noisy.png: a noisy signal's derivative by gradient and by
smooth_derivative's three methods, against the truth.

    PYTHONPATH=src python docs/tools/noisy_figure.py
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import gradkit  # noqa: E402

rng = np.random.default_rng(0)
x = np.sort(rng.uniform(0, 3, 300))  # a non-uniform grid
f = np.sin(2 * x) + 0.02 * rng.standard_normal(x.size)
true = 2 * np.cos(2 * x)

fig, (top, bottom) = plt.subplots(2, 1, figsize=(7, 6), sharex=True)
top.plot(x, f, ".", ms=3, label="samples: sin(2x) + 2 % noise")
top.legend(loc="upper right")
bottom.plot(x, gradkit.gradient(f, spacing=(x,))[0], color="0.8", lw=0.8, label="gradient")
for method, style in [("savgol", "-"), ("spline", "--"), ("tv", ":")]:
    r = gradkit.smooth_derivative(f, spacing=x, method=method, full_output=True)
    rmse = np.sqrt(np.mean((r.derivative - true) ** 2))
    bottom.plot(x, r.derivative, style, label=f"smooth_derivative({method!r}), RMSE {rmse:.3f}")
bottom.plot(x, true, "k", lw=0.8, label="true derivative")
bottom.set_ylim(-4, 4)
bottom.set_xlabel("x")
bottom.legend(loc="lower left", fontsize="small")
fig.tight_layout()
out = Path(__file__).resolve().parent.parent / "img" / "noisy.png"
fig.savefig(out, dpi=110)
print(out)
