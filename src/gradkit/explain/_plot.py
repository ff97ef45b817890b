"""The plot of an explanation: the samples, the polynomial through the
stencil, its tangent (first derivatives) and the steps, with matplotlib
(imported by :meth:`gradkit.Explanation.plot`, never here)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from ._format import _deriv_text, _fmt, _sample_text, _shape_name

if TYPE_CHECKING:
    from ._model import Explanation, _Detail


def draw(e: "Explanation", ax: Any) -> Any:
    """Draw ``e`` on the matplotlib axes ``ax`` (see :meth:`Explanation.plot`)."""
    d = e._detail
    # Masked samples (masked arrays) are not drawn as values: they have none.
    masked_used = np.array([j in e.masked_indices for j in e.indices], dtype=bool)
    ok = ~masked_used
    result = math.nan if e.masked else float(e.result)
    sx = e.coordinates.astype(float)
    sv = np.ma.getdata(e.values).astype(float)
    xi = float(d.coordinate_at_point)
    px = d.interp_coordinates.astype(float)
    pv = d.interp_values.astype(float)
    if not d.point_masked:
        fi = float(d.value_at_point)
    elif not e.masked and ok.any():
        # f[i] is masked but unused (weight 0): draw the point on the stencil's polynomial.
        fi = float(_lagrange(sx, sv, np.array([xi]))[0])
        pv = np.where(px == xi, fi, pv)
    else:
        fi = math.nan
    lo, hi = float(px.min()), float(px.max())
    span = hi - lo if hi > lo else 1.0

    ctx_x = d.context_coordinates.astype(float)
    ctx_v = d.context_values.astype(float)
    ctx_masked = (
        np.zeros(len(ctx_x), dtype=bool) if d.context_masked is None else d.context_masked
    )
    used = np.isin(ctx_x, sx)
    other = ~used & ~ctx_masked
    if other.any():
        ax.plot(ctx_x[other], ctx_v[other], "o", color="0.65", ms=6, zorder=3, label="other samples")
    masked_x = np.concatenate([ctx_x[ctx_masked & ~used], sx[masked_used]])
    for n, x in enumerate(masked_x):
        ax.axvline(x, color="tab:purple", ls=":", lw=1.4, zorder=1,
                   label="masked samples" if n == 0 else None)

    if len(px) >= 2 and not e.masked:
        ext = min(0.2 * span, 0.5 * float(np.min(np.diff(np.sort(px)))))
        grid = np.linspace(lo - ext, hi + ext, 400)
        curve = _lagrange(px, pv, grid)
        ax.plot(grid, curve, "-", color="tab:blue", lw=2.2, zorder=2,
                label=f"{_shape_name(len(px))} through the stencil points")

    ax.plot(sx[ok], sv[ok], "o", color="tab:orange", ms=10, mec="black", mew=0.8, zorder=5,
            label="samples used")
    for o, x, v, w, m in zip(e.offsets, sx, sv, e.weights, masked_used):
        if m:
            ax.annotate(
                f"{_sample_text(o)} masked\nw = {_fmt(w, 4)}",
                (x, 0.97), xycoords=("data", "axes fraction"), fontsize=8.5, va="top",
                ha="left", color="tab:purple", zorder=4.5,
            )
            continue
        ax.annotate(
            f"{_sample_text(o)} = {_fmt(v, 4)}\nw = {_fmt(w, 4)}",
            (x, v), textcoords="offset points", xytext=(9, 7), fontsize=8.5,
            va="bottom", ha="left", zorder=4.5,
            bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="0.8", alpha=0.75),
        )
    if e.order == 1 and not e.masked:
        half = 0.45 * span
        tx = np.array([xi - half, xi + half])
        ax.plot(tx, fi + result * (tx - xi), "--", color="tab:red", lw=1.8, zorder=4,
                label=f"tangent at x[{d.position}], slope {_fmt(result, 5)}")
    if math.isfinite(fi):
        ax.plot([xi], [fi], "*", color="tab:red", ms=16, mec="black", mew=0.6, zorder=7,
                label=f"the point x[{d.position}] = {_fmt(xi, 5)}")
    else:
        ax.axvline(xi, color="tab:red", ls="--", lw=1.2, zorder=1,
                   label=f"the point x[{d.position}] = {_fmt(xi, 5)}")

    # Steps: double arrows under the samples, one per gap.
    ys = np.concatenate([sv[ok], ctx_v[~ctx_masked], [fi], [0.0] if e.masked and not ok.any() else []])
    if e.order == 1 and not e.masked:
        ys = np.concatenate([ys, fi + result * (np.array([-1, 1]) * 0.45 * span)])
    ys = ys[np.isfinite(ys)]
    ymin, ymax = (float(ys.min()), float(ys.max())) if ys.size else (0.0, 1.0)
    yr = ymax - ymin if ymax > ymin else 1.0
    if not math.isfinite(ymin - 0.3 * yr) or not math.isfinite(ymax + 0.3 * yr):
        yr = 0.0  # no room for margins at the end of the float range
    level = ymin - 0.2 * yr
    xs_all = sorted(set(np.round(px, 15)) | set(np.round(sx, 15)))
    for name, value in e.steps.items():
        if name == "h":
            continue
        a, b = _gap_ends(name, d, xi)
        if a is None:
            continue
        ax.annotate("", xy=(b, level), xytext=(a, level),
                    arrowprops=dict(arrowstyle="<->", color="0.25", lw=1.2, shrinkA=0, shrinkB=0))
        ax.text((a + b) / 2, level + 0.03 * yr, f"{name} = {_fmt(value, 4)}", ha="center",
                va="bottom", fontsize=9, color="0.15")
    if "h" in e.steps and len(sx) >= 1:
        ax.text(0.99, 0.02, f"uniform grid, h = {_fmt(e.steps['h'], 4)}", transform=ax.transAxes,
                ha="right", va="bottom", fontsize=9, color="0.3")
    for x in xs_all:
        ax.axvline(x, color="0.85", lw=0.8, zorder=0)
    if level - 0.1 * yr < ymax + 0.3 * yr:
        ax.set_ylim(level - 0.1 * yr, ymax + 0.3 * yr)
    ax.set_xlabel("x")
    ax.set_ylabel("f")
    ax.set_title(
        f"{_deriv_text(e.order, f'x[{d.position}]')} "
        + (f"masked: uses masked {', '.join(d.masked_labels)}" if e.masked else f"≈ {_fmt(result, 6)}")
        + f"    ({e.scheme})",
        fontsize=10,
    )
    ax.grid(False)
    ax.legend(loc="best", fontsize=8.5, framealpha=0.9)
    return ax


def _gap_ends(name: str, d: _Detail, xi: float) -> tuple[Any, Any]:
    """Coordinates of the two samples a named step lies between."""
    side, k = name[1], int(name[2:] or 1)
    o = k if side == "r" else 1 - k  # the gap between i+o-1 and i+o
    offs = list(d.interp_offsets)
    xs = dict(zip(offs, d.interp_coordinates.astype(float)))
    xs.setdefault(0, xi)
    if o - 1 in xs and o in xs:
        return xs[o - 1], xs[o]
    return None, None


def _lagrange(xs: np.ndarray, ys: np.ndarray, at: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):  # inf/nan samples draw as inf/nan, silently
        return _lagrange_values(xs, ys, at)


def _lagrange_values(xs: np.ndarray, ys: np.ndarray, at: np.ndarray) -> np.ndarray:
    out = np.zeros_like(at, dtype=float)
    for j in range(len(xs)):
        basis = np.ones_like(at, dtype=float)
        for m in range(len(xs)):
            if m != j:
                basis *= (at - xs[m]) / (xs[j] - xs[m])
        out += ys[j] * basis
    return out
