"""Explain one Savitzky–Golay derivative: the window, the least-squares
polynomial, its weights and the result, read from the same plan that
:func:`gradkit.smooth_derivative` runs; and a plot of the samples with the
fitted polynomial and its tangent."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import _args, smoothing
from ._arrays import as_operand
from .explain._format import _fmt
from .smooth import _check_int, _grid, _line_coords, smooth_derivative

__all__ = ["explain_savgol", "SavgolExplanation"]


@dataclass(frozen=True)
class SavgolExplanation:
    """How one output of ``smooth_derivative(method="savgol")`` is computed.

    Attributes
    ----------
    index : int or tuple of int
    order, degree, window : int
    indices : tuple of int
        The window's samples along the axis.
    coordinates, values : numpy.ndarray
        Their positions and values.
    weights : numpy.ndarray
        The stencil weights (coordinate units): ``result = sum(weights * values)``.
    polynomial : numpy.polynomial.Polynomial
        The least-squares polynomial of ``degree`` through the window, in
        ``x - x_i`` (``polynomial.deriv(order)(0)`` is the result).
    result : float
        The value ``smooth_derivative`` returns at ``index``.
    """

    index: Any
    order: int
    degree: int
    window: int
    indices: tuple[int, ...]
    coordinates: np.ndarray
    values: np.ndarray
    weights: np.ndarray
    polynomial: Any
    result: Any
    centre: float

    def __str__(self) -> str:
        lo, hi = self.indices[0], self.indices[-1]
        where = "centred" if self.indices[len(self.indices) // 2] == self._i else "off-centre (near an edge)"
        lines = [
            f"Savitzky-Golay derivative of order {self.order} at index {self.index}: the {self.order}-th "
            f"derivative at x = {_fmt(self.centre)} of the least-squares polynomial of degree {self.degree} "
            f"through the {self.window} samples {lo}..{hi} ({where} window)",
            "",
            "fitted polynomial, in t = x - x_i:",
            "  p(t) = " + " + ".join(f"{_fmt(c)} t^{k}" if k else _fmt(c) for k, c in enumerate(self.polynomial.coef)),
            "",
            "  index   x            f(x)         weight",
        ]
        for j, x, v, w in zip(self.indices, self.coordinates, self.values, self.weights):
            lines.append(f"  {j:<7d} {_fmt(x):<12s} {_fmt(v):<12s} {_fmt(w)}")
        lines += [
            "",
            f"result = sum(weight * f) = {_fmt(self.result)}"
            + (f"  (= {math.factorial(self.order)} * p's t^{self.order} coefficient)" if self.order else ""),
        ]
        return "\n".join(lines)

    @property
    def _i(self) -> int:
        return self.index if isinstance(self.index, int) else self.index[-1]

    def to_markdown(self) -> str:
        rows = ["| index | x | f(x) | weight |", "|---:|---:|---:|---:|"] + [
            f"| {j} | {_fmt(x)} | {_fmt(v)} | {_fmt(w)} |"
            for j, x, v, w in zip(self.indices, self.coordinates, self.values, self.weights)
        ]
        head = (f"Savitzky–Golay derivative of order {self.order} (degree {self.degree}, window {self.window}) "
                f"at index `{self.index}`")
        return "\n".join([head, "", *rows, "", f"result = {_fmt(self.result)}"])

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def plot(self, ax: Any = None) -> Any:
        """The window's samples, the fitted polynomial and (for ``order=1``)
        its tangent at the point. Returns the matplotlib Axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 4))
        x = np.asarray(self.coordinates, float)
        t = np.linspace(x.min(), x.max(), 200)
        ax.plot(x, self.values, "o", label="samples in the window")
        ax.plot(t, self.polynomial(t - self.centre), "-", label=f"least-squares polynomial (degree {self.degree})")
        p0 = self.polynomial(0.0)
        if self.order == 1:
            ax.plot(t, p0 + self.result * (t - self.centre), "--", label=f"tangent, slope {_fmt(self.result)}")
        ax.plot([self.centre], [p0], "s", color="k", label="the point")
        ax.set_xlabel("x")
        ax.set_ylabel("f")
        ax.legend(loc="best", fontsize="small")
        return ax


def explain_savgol(
    f: Any,
    index: int | tuple[int, ...],
    order: int = 1,
    *,
    spacing: Any = 1,
    axis: int = -1,
    window: int,
    degree: int,
    boundary: str = "one-sided",
    period: float | None = None,
) -> SavgolExplanation:
    """Explain one output of ``smooth_derivative(f, order, method="savgol", window=..., degree=...)``.

    Examples
    --------
    >>> import numpy as np, gradkit
    >>> x = np.arange(9.0)
    >>> e = gradkit.explain_savgol(x**2, 4, spacing=1.0, window=5, degree=2)
    >>> (e.weights * 10).tolist(), float(e.result)
    ([-2.0, -1.0, 0.0, 1.0, 2.0], 8.0)
    >>> bool(e.result == gradkit.smooth_derivative(x**2, spacing=1.0, window=5, degree=2)[4])
    True
    """
    func = "explain_savgol"
    op = as_operand(f, func)
    if op.ndim == 0:
        raise ValueError(f"{func}: f must have at least one dim, got a 0-d array")
    (a,) = _args.normalize_dims(axis, op.ndim, func, "axis")
    order = _check_int(order, "order", func, 0)
    window = _check_int(window, "window", func, 1)
    degree = _check_int(degree, "degree", func, 0)
    entry = _args.single_axis_spacing(spacing, a, op.shape, func)
    spec = _args.AxisSpec(a, op.shape[a], entry, order)
    step, coords = _line_coords(spec)
    boundary = _args.check_boundary(boundary, func)
    plan = smoothing.savgol_plan(spec.n, order, degree, window, step=step, coords=coords, boundary=boundary,
                                 period=None if step is not None else period, func=func)
    full = (index,) if isinstance(index, (int, np.integer)) and op.ndim == 1 else tuple(index)
    if len(full) != op.ndim or not all(isinstance(k, (int, np.integer)) for k in full):
        raise TypeError(f"{func}: index must have one integer per dim of f ({op.ndim}), got {index!r}")
    full = tuple(int(k) % s if -s <= k < s else _bad_index(func, k, s) for k, s in zip(full, op.shape))
    i = full[a]
    idx, w = plan.stencil(i)
    through = op.array[tuple(slice(None) if d == a else k for d, k in enumerate(full))]
    x = _grid(spec)
    n = spec.n
    if plan.periodic:
        block = plan.block_of(i)
        pos = np.array([x[(i + o) % n] + ((i + o) // n) * (period if step is None else n * step) for o in block.offsets])
    else:
        pos = x[idx]
    # Only the window's samples leave the array's library (a Dask array
    # computes just these).
    values = np.asarray(_host(_take(through, idx)), np.float64)
    fit = np.polynomial.Polynomial.fit(pos - x[i], values, degree, domain=[-1, 1], window=[-1, 1])
    # The kernel's own output at this point: the line through it, differentiated as smooth_derivative does.
    result = smooth_derivative(through, order, spacing=spacing, window=window, degree=degree, boundary=boundary,
                               **({} if period is None else {"period": period}))[i]
    # (on Dask, computing one point computes the chunks around it only)
    value = _host(result).item() if hasattr(result, "compute") else (result.item() if hasattr(result, "item") else result)
    return SavgolExplanation(full[0] if op.ndim == 1 else full, order, degree, window, tuple(int(j) for j in idx),
                             pos, values, np.asarray(w), fit, value, float(x[i]))


def _take(line: Any, idx: np.ndarray) -> Any:
    """``line[idx]`` in the line's own library (torch, JAX, Dask index arrays as NumPy does)."""
    if hasattr(line, "detach"):  # torch
        import torch

        return line[torch.as_tensor(idx, device=line.device)]
    return line[np.asarray(idx)]


def _host(a: Any) -> Any:
    return a.detach().cpu().numpy() if hasattr(a, "detach") else np.asarray(a)


def _bad_index(func: str, k: int, size: int) -> int:
    raise IndexError(f"{func}: index {k} is out of range for an axis of {size} samples")
