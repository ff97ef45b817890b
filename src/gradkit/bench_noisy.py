"""Benchmark rows for derivatives of noisy data (issue 14).

Measured by ``make bench`` (through :func:`gradkit.bench.run`), never in the
tests. One signal, ``sin(t) + 0.5 sin(2.3 t)`` sampled every 0.01 (uniform,
or jittered by up to ±40 % of a step) plus noise ``0.1 N(0, 1)``, at the
length each method can afford:

- Savitzky–Golay on 10⁶ samples, a fixed window of 101 and degree 3,
  against ``scipy.signal.savgol_filter(deriv=1)`` and PyNumDiff's
  ``savgoldiff`` (uniform only: neither takes coordinates), then gradkit's
  automatic choice (the time includes the choice);
- the smoothing spline with its parameter by generalised cross-validation
  on 10⁴ samples against scipy's ``make_smoothing_spline`` (whose GCV runs
  in Python, about 1 ms per sample) and PyNumDiff's ``splinediff`` at the
  best ``s`` of 10, 3 and 1, chosen knowing the true derivative (not timed;
  ``s = 0.3`` did not finish in minutes);
- total variation on 2,000 samples, automatic and at that ``alpha``,
  against PyNumDiff's ``iterative_velocity`` (Chartrand's iteration, 10
  iterations) at the same ``alpha``.

Every row gives each contender's time and the RMSE of its derivative
against the true derivative.

Examples
--------
>>> from gradkit import bench_noisy
>>> rows = bench_noisy.rows(quick=True)   # doctest: +SKIP
"""

from __future__ import annotations

import time
import warnings
from typing import Any, Callable

import numpy as np

__all__ = ["rows", "markdown"]

NOISE = 0.1
STEP = 0.01


def _signal(n: int, jitter: bool, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    t = np.arange(n) * STEP
    if jitter:
        t = t + rng.uniform(-0.4, 0.4, n) * STEP
    f = np.sin(t) + 0.5 * np.sin(2.3 * t) + NOISE * rng.standard_normal(n)
    return t, f, np.cos(t) + 1.15 * np.cos(2.3 * t)


def _timed(fn: Callable[[], Any], repeat: int) -> tuple[float, np.ndarray]:
    """Best time of ``repeat`` runs after a warm-up run, or of one run (slow
    cases: the compiled kernels are warm from the rows before) and the result."""
    if repeat <= 1:
        start = time.perf_counter()
        out = fn()
        return time.perf_counter() - start, np.asarray(out)
    out = fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), np.asarray(out)


def _row(case: str, true: np.ndarray, contenders: dict[str, Callable[[], Any]], repeat: int) -> dict:
    row: dict[str, Any] = {"case": case}
    for name, fn in contenders.items():
        try:
            seconds, d = _timed(fn, repeat)
        except Exception as exc:  # a library that cannot do this case
            row[f"{name}_error"] = f"{type(exc).__name__}: {exc}"[:200]
            continue
        row[f"{name}_s"] = seconds
        row[f"{name}_rmse"] = float(np.sqrt(np.mean((d - true) ** 2)))
    print(_format(row), flush=True)
    return row


def _format(row: dict) -> str:
    parts = [f"{row['case']:<60}"]
    for key in row:
        if key.endswith("_s"):
            name = key[:-2]
            parts.append(f"{name} {row[key] * 1e3:9.1f} ms rmse {row[name + '_rmse']:.2e}")
    return "  ".join(parts)


def rows(quick: bool = False, repeat: int = 3) -> list[dict]:
    """Time the noisy-data cases; each row holds seconds and RMSE per contender."""
    import gradkit
    from scipy.interpolate import make_smoothing_spline
    from scipy.signal import savgol_filter

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyNumDiff warns that cvxpy is absent
        try:
            import pynumdiff
        except ImportError:  # pragma: no cover - the bench extra installs it
            pynumdiff = None
    scale = 10 if quick else 1
    out = []

    n = 1_000_000 // scale
    t, f, true = _signal(n, jitter=False)
    contenders: dict[str, Callable[[], Any]] = {
        "gradkit": lambda: gradkit.smooth_derivative(f, spacing=STEP, window=101, degree=3),
        "scipy": lambda: savgol_filter(f, 101, 3, deriv=1, delta=STEP),
    }
    if pynumdiff is not None:
        contenders["PyNumDiff"] = lambda: pynumdiff.savgoldiff(f, STEP, 3, 101, 1)[1]
    out.append(_row(f"savgol, window 101, degree 3, {n:,} uniform samples", true, contenders, repeat))
    out.append(_row(f"savgol, automatic window and degree, {n:,} uniform samples", true,
                    {"gradkit": lambda: gradkit.smooth_derivative(f, spacing=STEP)}, 1))
    tj, fj, truej = _signal(n, jitter=True)
    out.append(_row(f"savgol, window 101, degree 3, {n:,} jittered samples", truej,
                    {"gradkit": lambda: gradkit.smooth_derivative(fj, spacing=tj, window=101, degree=3)}, 1))
    out.append(_row(f"savgol, automatic window and degree, {n:,} jittered samples", truej,
                    {"gradkit": lambda: gradkit.smooth_derivative(fj, spacing=tj)}, 1))

    n = 10_000 // scale
    t, f, true = _signal(n, jitter=False)
    contenders = {
        "gradkit": lambda: gradkit.smooth_derivative(f, spacing=t, method="spline"),
        "scipy": lambda: make_smoothing_spline(t, f).derivative()(t),
    }
    if pynumdiff is not None:
        def rmse_at(s):
            return float(np.sqrt(np.mean((pynumdiff.splinediff(f, t, degree=3, s=s)[1] - true) ** 2)))

        s_best = min((10.0, 3.0, 1.0), key=rmse_at)  # s = 0.3 takes minutes on 10^4 samples
        contenders["PyNumDiff"] = lambda: pynumdiff.splinediff(f, t, degree=3, s=s_best)[1]
    out.append(_row(f"spline, GCV (PyNumDiff: the best of 3 s, knowing the truth), {n:,} uniform samples",
                    true, contenders, 1))

    n = 2_000 // scale
    t, f, true = _signal(n, jitter=False)
    alpha = gradkit.smooth_derivative(f, spacing=STEP, method="tv", full_output=True).params["alpha"]
    contenders = {"gradkit": lambda: gradkit.smooth_derivative(f, spacing=STEP, method="tv", alpha=alpha)}
    if pynumdiff is not None:
        contenders["PyNumDiff"] = lambda: pynumdiff.iterative_velocity(f, STEP, 10, alpha)[1]
    out.append(_row(f"tv, alpha = {alpha:.3g} (gradkit's automatic choice), {n:,} uniform samples", true,
                    contenders, 1))
    out.append(_row(f"tv, automatic alpha, {n:,} uniform samples", true,
                    {"gradkit": lambda: gradkit.smooth_derivative(f, spacing=STEP, method="tv")}, 1))
    return out


def markdown(rows_: list[dict]) -> list[str]:
    """The rows as Markdown lines: time and derivative RMSE per contender."""
    if not rows_:
        return []
    libs = ("gradkit", "scipy", "PyNumDiff")
    lines = [
        "",
        f"Noisy data (`smooth_derivative`): `sin(t) + 0.5 sin(2.3t)` every {STEP} plus "
        f"{NOISE}·N(0, 1) noise; time (best of several runs, one run for slow cases) and RMSE "
        "of the derivative against the truth; the ratio is that library's time over gradkit's. "
        "A dash: the library has no such method (scipy and PyNumDiff's Savitzky–Golay need "
        "uniform samples).",
        "",
        "| case | " + " | ".join(libs) + " |",
        "|---|" + "---|" * len(libs),
    ]
    for row in rows_:
        cells = [row["case"]]
        base = row.get("gradkit_s")
        for lib in libs:
            t = row.get(f"{lib}_s")
            if t is None:
                cells.append("—")
                continue
            ratio = "" if lib == "gradkit" or not base else f" ({t / base:.2g}×)"
            cells.append(f"{_ms(t)}{ratio}, RMSE {row[f'{lib}_rmse']:.2g}")
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _ms(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    return f"{seconds * 1e3:.0f} ms" if seconds >= 0.01 else f"{seconds * 1e3:.2f} ms"
