"""Derivatives of noisy data: :func:`smooth_derivative`.

Three methods, each with parameters chosen from the data when not given:

- ``"savgol"``: Savitzky–Golay stencils (:mod:`gradkit.smoothing`), on
  uniform and non-uniform grids, run by the same kernels as every
  derivative (any array library; NumPy compiled). Automatic window and
  degree: see :func:`choose_savgol`.
- ``"spline"``: scipy's smoothing spline (``make_smoothing_spline``, whose
  smoothing parameter comes from generalised cross-validation when ``lam``
  is not given) and its derivative.
- ``"tv"``: total-variation regularised differentiation (Chartrand's
  functional, :mod:`gradkit._tv`), ``alpha`` from the discrepancy principle.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import _args, smoothing
from ._arrays import as_operand
from .derivatives import native_dtypes
from .kernels import dispatch
from .stencils import step_divisors, unit_divisors

__all__ = ["smooth_derivative", "SmoothResult", "choose_savgol", "METHODS"]

METHODS = ("savgol", "spline", "tv")
_PARAMS = {
    "savgol": ("window", "degree", "width", "boundary", "period"),
    "spline": ("lam",),
    "tv": ("alpha",),
}


@dataclass(frozen=True)
class SmoothResult:
    """What :func:`smooth_derivative` returns with ``full_output=True``.

    Attributes
    ----------
    derivative : array
        The derivative, like ``f``.
    method : str
    params : dict
        The parameters used, chosen or given (e.g. ``{"window": 21,
        "degree": 3}``).
    chosen : tuple of str
        The names of the parameters gradkit chose from the data.
    rule : str
        How they were chosen.
    """

    derivative: Any
    method: str
    params: dict = field(default_factory=dict)
    chosen: tuple = ()
    rule: str = ""


def _check_int(value: Any, name: str, func: str, least: int) -> int:
    if not _args._is_int(value) or int(value) < least:
        raise (TypeError if not _args._is_int(value) else ValueError)(
            f"{func}: {name} must be an integer >= {least}, got {value!r}"
        )
    return int(value)


def _line_coords(spec: _args.AxisSpec) -> tuple[float | None, np.ndarray | None]:
    entry = spec.spacing
    if entry.traced is not None:
        raise TypeError(
            "smooth_derivative: coordinates that carry gradients are not supported; pass them as plain numbers"
        )
    return entry.step, entry.coords if entry.step is None else None


def _grid(spec: _args.AxisSpec) -> np.ndarray:
    step, coords = _line_coords(spec)
    return coords if coords is not None else np.arange(spec.n) * float(step)


def _savgol_apply(op, spec, order, degree, window, boundary, period, dtypes):
    step, coords = _line_coords(spec)
    plan = smoothing.savgol_plan(spec.n, order, degree, window, step=step, coords=coords, boundary=boundary,
                                 period=period, func="smooth_derivative")
    compute, out_dtype = dtypes[0]
    f = op.array if op.dtype == compute else op.xp.astype(op.array, compute)
    result = dispatch.apply(op.xp, f, plan, spec.axis, op.real_of(compute))
    return result if result.dtype == out_dtype else op.xp.astype(result, out_dtype)


# The widest window the automatic choice tries: a plan's edge rows (and on
# coordinates every point) take a least-squares fit of window samples each,
# which makes wider candidates cost seconds to minutes on long series.
WIDEST_AUTO_WINDOW = 201
# A line longer than AUTO_BLOCKS * AUTO_BLOCK samples is judged on
# AUTO_BLOCKS evenly spaced blocks of AUTO_BLOCK samples: the best window
# depends on the noise, the sampling density and the signal's curvature,
# not on the series' length.
AUTO_BLOCK = 2000
AUTO_BLOCKS = 4
# The pilots' degrees above each candidate degree (the risk estimate is the
# mean over these pilots).
_PILOT_DEGREES = (1, 2)


def _odd_windows(n: int, smallest: int, widest: int) -> list[int]:
    top = n if n % 2 else n - 1
    top = min(top, max(smallest, n // 2 | 1), widest)
    ws = sorted({int(w) | 1 for w in np.geomspace(smallest, max(top, smallest), 24)})
    return [w for w in ws if smallest <= w <= top]


def _weight_table(plan) -> tuple[np.ndarray, np.ndarray]:
    """A non-periodic Savitzky–Golay plan's rows as ``(starts, weights)``:
    row ``i`` weighs samples ``starts[i] .. starts[i] + window - 1`` (every
    window has the same width and its columns are contiguous)."""
    window = len(plan.blocks[0].offsets)
    starts = np.empty(plan.n, np.int64)
    vals = np.empty((plan.n, window))
    for block in plan.blocks:
        starts[block.start : block.stop] = np.arange(block.start, block.stop) + block.offsets[0]
        vals[block.start : block.stop] = block.weights.T if block.weights.ndim == 2 else block.weights
    for d in step_divisors(plan.step, plan.order) + unit_divisors(plan):
        vals /= d
    return starts, vals


def _row_dots(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """``sum_j A[i, j] * B[i, j]`` for every row ``i`` of two plans' matrices,
    given as :func:`_weight_table` tables."""
    (sa, va), (sb, vb) = a, b
    pos = (sa - sb)[:, None] + np.arange(va.shape[1])[None, :]  # A's columns among B's
    inside = (pos >= 0) & (pos < vb.shape[1])
    picked = np.take_along_axis(vb, np.where(inside, pos, 0), axis=1)
    return np.sum(np.where(inside, va * picked, 0.0), axis=1)


class _Line:
    """One block of the line the choice is made on, and its plans."""

    def __init__(self, f: np.ndarray, x: np.ndarray, uniform: bool):
        self.f, self.x, self.uniform, self.n = f, x, uniform, len(f)

    def plan(self, order: int, degree: int, window: int):
        return smoothing.savgol_plan(self.n, order, degree, window, step=1.0 if self.uniform else None,
                                     coords=None if self.uniform else self.x)

    def derivative(self, plan) -> np.ndarray:
        d = _apply_numpy(self.f, plan)
        return d / (self.x[1] - self.x[0]) ** plan.order if self.uniform else d


def choose_savgol(f: np.ndarray, x: np.ndarray, order: int, uniform: bool | None = None,
                  degree: int | None = None) -> tuple[int, int]:
    """(window, degree) for the ``order``-th Savitzky–Golay derivative of one
    line ``f`` at ``x``, from the data alone.

    The rule, an estimate of the derivative's mean squared error:

    1. Noise. For each degree ``p`` from ``max(2, order)`` to ``p + 4`` and
       odd windows on a geometric grid up to half the axis (at most
       ``WIDEST_AUTO_WINDOW`` = 201 samples) the smoother (the order-0
       plan, whose hat matrix ``H`` has a known trace) is scored by
       generalised cross-validation, ``n * RSS / (n - tr H)**2``; the best
       smoother of the three lowest degrees gives the noise variance
       ``s2 = RSS / (n - tr H)``.
    2. Pilots. For each candidate degree ``p`` (the three lowest) the
       pilots are the ``order``-th derivatives ``P`` of degree ``p + 1``
       and ``p + 2`` at their own GCV windows: less biased than the
       candidates they judge.
    3. Risk. A candidate derivative ``D = W f`` (degree ``p``, window
       ``m``) is scored against each pilot ``P = V f`` by
       ``mean((D - P)**2) + 2 * s2 * mean_i(W[i] . V[i])``, whose
       expectation is the candidate's mean squared error plus a term that
       does not depend on the candidate, when the pilot is unbiased; the
       scores of the two pilots are added and the lowest wins.

    A line longer than ``AUTO_BLOCKS * AUTO_BLOCK`` (8,000) samples is
    judged on 4 evenly spaced blocks of 2,000 samples (sums of the scores).
    Cost: about 190 passes of a stencil over the line (or the blocks).
    Measured (tests/test_smooth.py, 401 samples of four smooth signals
    with 1 % and 10 % noise, uniform and jittered grids, four noise draws
    each): see docs/noisy.md.
    """
    n = len(f)
    if uniform is None:  # a scalar spacing says so; coordinates only when exactly even
        uniform = bool(np.all(np.diff(x) == x[1] - x[0])) if n > 1 else True
    if n > AUTO_BLOCK * AUTO_BLOCKS:
        starts = np.linspace(0, n - AUTO_BLOCK, AUTO_BLOCKS).astype(int)
        lines = [_Line(f[s : s + AUTO_BLOCK], x[s : s + AUTO_BLOCK], uniform) for s in starts]
    else:
        lines = [_Line(f, x, uniform)]
    nb = lines[0].n
    lowest = max(2, order) if degree is None else degree
    degrees = range(lowest, lowest + 3) if degree is None else (degree,)
    # 1. GCV of the smoothers, per degree; the noise from the best of the lowest three.
    gcv: dict[int, tuple[float, int]] = {}
    noise = None
    for p in range(lowest, max(degrees) + 1 + max(_PILOT_DEGREES)):
        for window in _odd_windows(nb, p + 2, WIDEST_AUTO_WINDOW):
            score = rss = dof = 0.0
            for line in lines:
                plan = line.plan(0, p, window)
                trace = smoothing.smoothing_diagonal(plan).sum()
                if trace >= line.n - 0.5:
                    break
                r = float(np.sum((line.f - _apply_numpy(line.f, plan)) ** 2))
                score, rss, dof = score + line.n * r / (line.n - trace) ** 2, rss + r, dof + line.n - trace
            else:
                if p not in gcv or score < gcv[p][0]:
                    gcv[p] = (score, window)
                if p in degrees and (noise is None or score < noise[0]):
                    noise = (score, rss / dof)
    if noise is None:
        return min(n if n % 2 else n - 1, lowest + 2 | 1), lowest
    s2 = noise[1]
    # 2-3. Each candidate against the pilots of higher degree.
    best = None
    for p in degrees:
        pilots = [(line, line.plan(order, p + dp, gcv[p + dp][1])) for dp in _PILOT_DEGREES
                  for line in lines if p + dp in gcv]
        if not pilots:
            continue
        pilots = [(line, _weight_table(plan), line.derivative(plan)) for line, plan in pilots]
        for window in _odd_windows(nb, p + 2, WIDEST_AUTO_WINDOW):
            risk = 0.0
            for line in lines:
                plan = line.plan(order, p, window)
                d = line.derivative(plan)
                scale = (line.x[1] - line.x[0]) ** (-2 * order) if line.uniform else 1.0
                table = _weight_table(plan)
                for owner, pilot, reference in pilots:
                    if owner is line:
                        risk += float(np.sum((d - reference) ** 2)
                                      + 2 * s2 * scale * np.sum(_row_dots(table, pilot)))
            if best is None or risk < best[0]:
                best = (risk, window, p)
    if best is None:  # too short for any pilot: the best smoother's window and degree
        p = min((d for d in degrees if d in gcv), key=lambda d: gcv[d][0])
        return gcv[p][1], p
    _, window, p = best
    return window, p


def _apply_numpy(f: np.ndarray, plan) -> np.ndarray:
    import array_api_compat

    return dispatch.apply(array_api_compat.array_namespace(f), f, plan, 0, np.float64)


def smooth_derivative(
    f: Any,
    order: int = 1,
    *,
    spacing: Any = 1,
    axis: int = -1,
    method: str = "savgol",
    full_output: bool = False,
    **params: Any,
) -> Any:
    """The derivative of noisy samples, smoothed by one of three methods.

    Parameters
    ----------
    f : array_like
        Samples (NumPy for every method; torch, JAX and any array-API array
        for ``"savgol"`` with a given ``window`` and ``degree``).
    order : int, default 1
        Derivative order (``"savgol"``: up to ``degree``; ``"spline"``: up to
        3; ``"tv"``: 1).
    spacing : scalar or 1-D array, default 1
        Step or coordinates along ``axis`` (any spacing, non-uniform too).
    axis : int, default -1
    method : {"savgol", "spline", "tv"}, default "savgol"
    full_output : bool, default False
        Return a :class:`SmoothResult` with the parameters used.
    **params
        ``"savgol"``: ``window`` (odd number of samples) or ``width`` (in
        coordinate units: the odd window closest to ``width`` over the mean
        spacing), ``degree`` (default chosen with the window, else 3),
        ``boundary`` ("one-sided" or "periodic"), ``period``.
        ``"spline"``: ``lam``, the smoothing parameter (default: GCV).
        ``"tv"``: ``alpha``, the regularisation (default: the discrepancy
        principle with the noise level estimated from the data).

    Returns
    -------
    array, or SmoothResult with ``full_output=True``

    Raises
    ------
    ValueError, TypeError
        Unknown method or parameter, window longer than the axis, degree
        too high for the window, order above the degree, non-finite samples.

    Examples
    --------
    >>> import numpy as np, gradkit
    >>> rng = np.random.default_rng(0)
    >>> x = np.sort(rng.uniform(0, 3, 300))                      # non-uniform
    >>> f = np.sin(x) + 0.01 * rng.standard_normal(300)
    >>> r = gradkit.smooth_derivative(f, spacing=x, full_output=True)
    >>> rmse = lambda d: float(np.sqrt(np.mean((d - np.cos(x)) ** 2)))
    >>> bool(rmse(r.derivative) < rmse(gradkit.gradient(f, spacing=(x,))[0]) / 5)
    True
    >>> sorted(r.params), r.chosen
    (['degree', 'window'], ('window', 'degree'))
    """
    func = "smooth_derivative"
    if method not in METHODS:
        raise ValueError(f"{func}: method must be one of {', '.join(map(repr, METHODS))}, got {method!r}")
    unknown = sorted(set(params) - set(_PARAMS[method]))
    if unknown:
        raise TypeError(
            f"{func}: method={method!r} takes {', '.join(_PARAMS[method])}; got unexpected "
            f"{', '.join(unknown)}"
        )
    op = as_operand(f, func)
    order = _check_int(order, "order", func, 0)
    if op.ndim == 0:
        raise ValueError(f"{func}: f must have at least one dim, got a 0-d array")
    (a,) = _args.normalize_dims(axis, op.ndim, func, "axis")
    entry = _args.single_axis_spacing(spacing, a, op.shape, func)
    spec = _args.AxisSpec(a, op.shape[a], entry, order)
    dtypes = native_dtypes(op, [spec])
    if method == "savgol":
        value, used, chosen, rule = _savgol(op, spec, order, params, dtypes, func)
    else:
        value, used, chosen, rule = _host_method(op, spec, order, method, params, func)
    if full_output:
        return SmoothResult(value, method, used, chosen, rule)
    return value


def _finite_host(op, func: str) -> np.ndarray:
    if not op.is_numpy:
        raise TypeError(f"{func}: this method runs on NumPy arrays; convert f first (e.g. np.asarray)")
    data = np.asarray(op.array, dtype=np.float64) if op.kind != "complex" else None
    if data is None:
        raise TypeError(f"{func}: this method takes real data, got {op.dtype}")
    if not np.isfinite(data).all():
        raise ValueError(
            f"{func}: f holds NaN or inf; no method drops non-finite samples (savgol, spline and tv all "
            "read every sample). Remove or fill them first"
        )
    return data


def _savgol(op, spec, order, params, dtypes, func):
    boundary = _args.check_boundary(params.get("boundary", "one-sided"), func)
    period = params.get("period")
    if period is not None and boundary != "periodic":
        raise ValueError(f"{func}: period is only used with boundary='periodic', got period={period!r}")
    x = _grid(spec)
    if boundary == "periodic" and spec.spacing.step is None:
        if period is None:
            raise ValueError(f"{func}: boundary='periodic' on coordinates needs period=")
        period = float(period)
    elif boundary == "periodic":
        period = None
    window, degree = params.get("window"), params.get("degree")
    if "width" in params:
        if window is not None:
            raise TypeError(f"{func}: give window (samples) or width (coordinate units), not both")
        width = float(params["width"])
        mean = abs(float(x[-1] - x[0])) / max(spec.n - 1, 1)
        if not width > 0:
            raise ValueError(f"{func}: width must be positive, got {params['width']!r}")
        window = max(int(round(width / mean)) | 1, 1)
    chosen: tuple = ()
    rule = ""
    if window is None:
        if not op.is_numpy:
            raise TypeError(
                f"{func}: choosing the window from the data needs a NumPy array; pass window= and degree= "
                f"(savgol then runs on {type(op.array).__module__.split('.')[0]} arrays as they are), "
                f"or convert f first (e.g. np.asarray)"
            )
        data = _finite_host(op, func)
        line = np.moveaxis(data, spec.axis, -1).reshape(-1, spec.n)
        lead = line[0] if line.shape[0] == 1 else line[int(np.argmax(line.std(axis=1)))]
        if degree is not None:
            degree = _check_int(degree, "degree", func, 0)
            smoothing.check_order(order, degree, func)
        window, auto_degree = choose_savgol(lead, x if x[-1] > x[0] else -x, order,
                                            uniform=True if spec.spacing.step is not None else None,
                                            degree=degree)
        chosen = ("window",) if degree is not None else ("window", "degree")
        degree = auto_degree
        rule = ("the lowest estimated derivative risk against higher-degree pilots, the noise from "
                "generalised cross-validation (see choose_savgol)")
        if window == WIDEST_AUTO_WINDOW:
            rule += (f"; the widest candidate window ({WIDEST_AUTO_WINDOW} samples) won: a wider one may "
                     f"be better, pass window= to try")
    elif degree is None:
        degree = max(3, order)
        chosen, rule = ("degree",), "default degree max(3, order)"
    window = _check_int(window, "window", func, 1)
    degree = _check_int(degree, "degree", func, 0)
    value = _savgol_apply(op, spec, order, degree, window, boundary, period, dtypes)
    return value, {"window": window, "degree": degree}, chosen, rule


def _host_method(op, spec, order, method, params, func):
    data = _finite_host(op, func)
    x = _grid(spec)
    flip = spec.n > 1 and x[-1] < x[0]
    if flip:
        x, data = x[::-1], np.flip(data, spec.axis)
    lines = np.moveaxis(data, spec.axis, -1)
    shape = lines.shape
    lines = lines.reshape(-1, spec.n)
    if method == "spline":
        if order > 3:
            raise ValueError(f"{func}: method='spline' gives derivatives up to order 3 (a cubic spline), got {order}")
        if spec.n < 5:
            raise ValueError(f"{func}: method='spline' needs at least 5 samples along the axis, got {spec.n}")
        from scipy.interpolate import make_smoothing_spline

        lam = params.get("lam")
        out = np.empty_like(lines)
        for k, line in enumerate(lines):
            # The spline smooths what a least-squares parabola leaves: its
            # penalty on f'' then acts on the departure from that parabola,
            # and polynomials up to degree 2 come out exactly (a cubic
            # smoothing spline alone bends a parabola towards a line).
            trend = np.polynomial.Polynomial.fit(x, line, 2)
            spl = make_smoothing_spline(x, line - trend(x), lam=lam)
            out[k] = spl(x, nu=order) + trend.deriv(order)(x)
        used = {"lam": lam if lam is not None else "gcv"}
        chosen, rule = (("lam",), "generalised cross-validation (scipy's make_smoothing_spline)") if lam is None else ((), "")
    else:
        from . import _tv

        if order != 1:
            raise ValueError(f"{func}: method='tv' gives first derivatives only, got order={order}")
        if spec.n < 3:
            raise ValueError(f"{func}: method='tv' needs at least 3 samples along the axis, got {spec.n}")
        alpha = params.get("alpha")
        if alpha is not None and not (isinstance(alpha, (int, float)) and alpha >= 0 and math.isfinite(alpha)):
            raise ValueError(f"{func}: alpha must be a finite number >= 0, got {alpha!r}")
        out = np.empty_like(lines)
        alphas = []
        for k, line in enumerate(lines):
            a = _tv.choose_alpha(line, x) if alpha is None else float(alpha)
            alphas.append(a)
            out[k] = _tv.tv_derivative(line, x, a)
        used = {"alpha": alphas[0] if len(alphas) == 1 else alphas}
        chosen, rule = (("alpha",), "discrepancy principle, noise from the median absolute fourth difference") if alpha is None else ((), "")
    out = np.moveaxis(out.reshape(shape), -1, spec.axis)
    if flip:
        out = np.flip(out, spec.axis)
    dtype = native_dtypes(op, [spec])[0][1]
    return np.ascontiguousarray(out).astype(dtype, copy=False), used, chosen, rule
