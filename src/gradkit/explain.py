"""Explain one number: which samples, which weights, which formula, which result.

:func:`explain` reads the same stencil plan that :func:`gradkit.gradient` and
:func:`gradkit.derivative` apply, and gets its result by running the same
kernel on the line of samples through the point, so the explanation can never
disagree with the computation. There is no weight formula in this module: the
weights come from :mod:`gradkit.stencils`; the closed forms shown in the
renderings are only *descriptions* of those weights in terms of the steps.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import sys
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Sequence

import numpy as np

from . import _args
from ._arrays import Operand, as_operand, is_torch
from .derivatives import _UNSET, _dim_or_axis, _gradient_edge_order, evaluate, native_dtypes
from .kernels import chunked
from .stencils import AxisPlan, _fornberg, interior_width

__all__ = ["explain", "Explanation"]

_FUNC = "explain"


# ---------------------------------------------------------------------------
# Small formatting helpers
# ---------------------------------------------------------------------------
def _ordinal(k: int) -> str:
    if 10 <= k % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def _is_complex(v: Any) -> bool:
    return isinstance(v, (complex, np.complexfloating)) or (
        isinstance(v, np.ndarray) and np.iscomplexobj(v)
    )


def _fmt(v: Any, digits: int = 6) -> str:
    """A number for humans: integers without '.0', short decimals as they are, else ``digits``."""
    if v is np.ma.masked:
        return "masked"
    if _is_complex(v):
        c = complex(v)
        if c.imag == 0:
            return _fmt(c.real, digits)
        sign = "-" if c.imag < 0 or (c.imag == 0 and math.copysign(1, c.imag) < 0) else "+"
        return f"({_fmt(c.real, digits)}{sign}{_fmt(abs(c.imag), digits)}j)"
    x = float(v)
    if not math.isfinite(x):
        return str(x)
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    r = repr(x)
    if len(r) <= digits + 3 and "e" not in r:
        return r
    return f"{x:.{digits}g}"


def _fmt_exact(v: Any) -> str:
    """A number in full (round-trip) precision."""
    if v is np.ma.masked:
        return "masked"
    if isinstance(v, (float, int)) and not isinstance(v, bool):
        x = float(v)
        if math.isfinite(x) and x == int(x) and abs(x) < 1e15:
            return str(int(x))
        return repr(v)
    if isinstance(v, complex):
        return repr(v)
    return str(v)


def _paren(text: str) -> str:
    """Parenthesise a negative number so it can be multiplied."""
    return f"({text})" if text.startswith("-") else text


def _json_num(v: Any) -> Any:
    """A JSON-safe number: complex as [re, im]; nan/inf as strings; masked as None."""
    if v is np.ma.masked:
        return None
    if _is_complex(v):
        c = complex(v)
        return [_json_num(c.real), _json_num(c.imag)]
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (numbers.Integral, np.integer)):
        return int(v)
    x = float(v)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def _deriv_text(order: int, at: str = "x_i") -> str:
    if order == 0:
        return f"f({at})"
    if order <= 3:
        return f"f{chr(39) * order}({at})"
    return f"f^({order})({at})"


def _deriv_latex(order: int, at: str = "x_i") -> str:
    if order == 0:
        return f"f({at})"
    if order <= 3:
        return f"f{chr(39) * order}({at})"
    return f"f^{{({order})}}({at})"


def _sample_text(o: int) -> str:
    return "f[i]" if o == 0 else f"f[i{o:+d}]"


def _sample_latex(o: int) -> str:
    return "f_i" if o == 0 else f"f_{{i{o:+d}}}"


def _shape_name(points: int) -> str:
    return {1: "constant", 2: "line", 3: "parabola", 4: "cubic"}.get(
        points, f"polynomial of degree {points - 1}"
    )


def _what_of(order: int) -> str:
    return {0: "value", 1: "slope", 2: "second derivative"}.get(order, f"{_ordinal(order)} derivative")


# ---------------------------------------------------------------------------
# Symbolic weights of 2- and 3-point stencils, in terms of the steps
# ---------------------------------------------------------------------------
# A linear form is a dict {step name: integer coefficient}; the name "1" is
# the constant term. Step names: hl = x[i] - x[i-1], hl2 = x[i-1] - x[i-2],
# ..., hr = x[i+1] - x[i], hr2 = x[i+2] - x[i+1], ...


def _step_name(o: int) -> str:
    """Name of the gap between samples i+o-1 and i+o."""
    if o <= 0:
        k = 1 - o
        return "hl" if k == 1 else f"hl{k}"
    return "hr" if o == 1 else f"hr{o}"


def _step_key(name: str) -> tuple[int, int]:
    if name == "1":
        return (2, 0)
    side = 0 if name.startswith("hl") else 1
    return (side, int(name[2:] or 1))


def _step_latex(name: str) -> str:
    if name == "h":
        return "h"
    side, k = name[1], name[2:]
    return f"h_{{{side}{k}}}" if k else f"h_{side}"


def _position(o: int) -> dict[str, int]:
    """x[i+o] - x[i] as a signed sum of steps."""
    if o > 0:
        return {_step_name(k): 1 for k in range(1, o + 1)}
    return {_step_name(k): -1 for k in range(o + 1, 1)}


def _span(a: int, b: int) -> dict[str, int]:
    """x[i+b] - x[i+a] (a < b) as a sum of steps."""
    return {_step_name(k): 1 for k in range(a + 1, b + 1)}


def _add(p: dict[str, int], q: dict[str, int], sign: int = 1) -> dict[str, int]:
    out = dict(p)
    for k, v in q.items():
        out[k] = out.get(k, 0) + sign * v
    return {k: v for k, v in out.items() if v != 0}


def _lin_text(form: dict[str, int], latex: bool = False) -> str:
    items = sorted(((k, v) for k, v in form.items() if v), key=lambda kv: _step_key(kv[0]))
    items.sort(key=lambda kv: kv[1] < 0)  # positive terms first
    out = []
    for n, (name, c) in enumerate(items):
        sym = "" if name == "1" else (_step_latex(name) if latex else name)
        mag = abs(c)
        term = str(mag) if name == "1" else (sym if mag == 1 else f"{mag}{sym}")
        if n == 0:
            out.append(("-" if c < 0 else "") + term)
        else:
            out.append(f" {'-' if c < 0 else '+'} {term}")
    return "".join(out) or "0"


def _lin_value(form: dict[str, int], steps: dict[str, Any]) -> Any:
    return sum(c * (1 if name == "1" else steps[name]) for name, c in form.items())


@dataclass(frozen=True)
class _SymWeight:
    """``sign * numerator / prod(denominator)``, each a linear form in the steps."""

    sign: int
    numerator: dict[str, int]
    denominator: tuple[dict[str, int], ...]

    def text(self, latex: bool = False) -> str:
        num = _lin_text(self.numerator, latex)
        factors = [_lin_text(d, latex) for d in self.denominator]
        if latex:
            den = " ".join(f"({f})" if len(d) > 1 else f for f, d in zip(factors, self.denominator))
            return ("-" if self.sign < 0 else "") + f"\\frac{{{num}}}{{{den}}}"
        if len(self.numerator) > 1:
            num = f"({num})"
        den = " ".join(f"({f})" if len(d) > 1 else f for f, d in zip(factors, self.denominator))
        if len(self.denominator) > 1:
            den = f"({den})"
        return ("-" if self.sign < 0 else "") + f"{num}/{den}"

    def substituted(self, steps: dict[str, Any]) -> str:
        num = _fmt(_lin_value(self.numerator, steps))
        dens = [_fmt(_lin_value(d, steps)) for d in self.denominator]
        den = "·".join(_paren(d) for d in dens)
        if len(dens) > 1:
            den = f"({den})"
        return ("-" if self.sign < 0 else "") + f"{_paren(num) if self.sign < 0 else num}/{den}"


def _closed_form(offsets: Sequence[int], order: int) -> list[_SymWeight] | None:
    """Closed-form weights (Lagrange) of a 2- or 3-point stencil, or None."""
    m = len(offsets)
    if not (m == 2 and order == 1) and not (m == 3 and order in (1, 2)):
        return None
    out = []
    for j in offsets:
        others = [k for k in offsets if k != j]
        sign = 1
        den = []
        for k in others:
            # x[i+j] - x[i+k] = sign(j - k) * span
            sign *= 1 if j > k else -1
            den.append(_span(min(j, k), max(j, k)))
        if m == 2:
            num = {"1": 1}
        elif order == 1:  # d/dx of (x - p_k)(x - p_l) at 0 is -(p_k + p_l)
            num = _add({}, _add(_position(others[0]), _position(others[1])), -1)
        else:  # second derivative of (x - p_k)(x - p_l) is 2
            num = {"1": 2}
        negatives = sum(c < 0 for c in num.values())
        if negatives == len(num) or (sign < 0 and negatives):
            num = {k: -c for k, c in num.items()}
            sign = -sign
        den.sort(key=lambda d: (len(d), sorted(_step_key(k) for k in d)))
        out.append(_SymWeight(sign, num, tuple(den)))
    return out


def _unit_rationals(unit: np.ndarray, offsets: Sequence[int], order: int) -> list[Fraction] | None:
    """The exact rational unit-step weights of ``offsets`` (the plan's own
    recurrence, run on rationals), if the plan's weights ``unit`` are exactly
    them rounded once; else None (the weights are shown as decimals)."""
    if np.iscomplexobj(unit) or len(unit) != len(offsets):
        return None
    exact = _fornberg([Fraction(int(o)) for o in offsets], order)
    if any(float(e) != float(u) for e, u in zip(exact, unit)):
        return None
    return list(exact)


# ---------------------------------------------------------------------------
# The explanation object
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class _Detail:
    """What the renderings need beyond the public fields."""

    position: int  # the point's index along the axis
    n: int
    boundary: str
    periodic_wrap: bool
    step: Any  # uniform step, or None
    unit_weights: np.ndarray
    divisor: Any
    rationals: list[Fraction] | None  # uniform grids: exact unit weights
    closed: list[_SymWeight] | None  # non-uniform 2-/3-point stencils
    x_labels: tuple[str, ...]  # "x[3]", or "(x[0] + P)" across a periodic end
    period: Any
    value_at_point: Any  # f[i] (the tangent passes through it)
    coordinate_at_point: Any
    interp_offsets: tuple[int, ...]  # offsets whose polynomial the plot draws
    interp_coordinates: np.ndarray
    interp_values: np.ndarray
    context_coordinates: np.ndarray  # nearby samples for the plot
    context_values: np.ndarray
    nd_prefix: str  # "" for 1-D, else e.g. " along axis 1 at (2, :, 4)"
    func_name: str  # "gradient" or "derivative"
    approximate_sum_note: bool  # the kernel computed in lower precision
    step_lines: tuple[str, ...]  # "hl = x[1] - x[0] = -1 - (-2) = 1"
    masked_labels: tuple[str, ...] = ()  # "f[2]": the masked samples the stencil uses
    context_masked: np.ndarray | None = None  # which context samples are masked
    point_masked: bool = False  # f[i] itself is masked


@dataclass(frozen=True, eq=False)
class Explanation:
    """How one output value of :func:`gradkit.gradient` / :func:`gradkit.derivative` is computed.

    Made by :func:`explain`; see there for the arguments. The value is
    ``result = sum(weights * values)``: a weighted sum of the samples
    ``values`` at ``indices`` (``offsets`` relative to the point), with
    ``weights`` that depend only on the positions of those samples.

    Attributes
    ----------
    index : int or tuple of int
        The point (non-negative), an int for 1-D input, a tuple otherwise.
    axis : int
        The axis along which the derivative is taken.
    order : int
        Derivative order.
    offsets : tuple of int
        Sample offsets relative to the point along ``axis``, e.g. ``(-1, 0, 1)``.
    indices : tuple of int
        The samples' indices along ``axis`` (wrapped on a periodic axis).
    coordinates : numpy.ndarray
        The samples' coordinates: the given coordinates, or ``index * step``
        on a uniform grid (unwrapped by one period across a periodic end).
    steps : dict
        The step sizes involved: ``{"h": step}`` on a uniform grid, else
        ``hl = x[i] - x[i-1]``, ``hr = x[i+1] - x[i]``, ``hl2``, ``hr2``, ...
    weights : numpy.ndarray
        The weights in coordinate units (the step division included).
    values : numpy.ndarray
        The samples used, in the precision the kernel computed in.
    terms : numpy.ndarray
        ``weights * values``.
    result : scalar
        The computation's own output at ``index`` (Python float/complex, or
        a NumPy scalar for extended precision).
    scheme : str
        E.g. ``"central, 2nd-order accurate, non-uniform grid"``.
    formula : str
        The formula, in terms of the steps where a closed form exists.
    formula_latex : str
        The same in LaTeX.
    weight_formulas : tuple of str
        Each weight in terms of the steps (or numerically).
    kind : str
        The stencil kind: "central", "forward", "backward", "off-centre",
        "periodic", or "identity" for order 0.
    accuracy : int
        The order of accuracy of this stencil.
    uniform : bool
        Whether the axis is a uniform grid.
    dtype : str
        The dtype of the result.
    masked : bool
        For a masked array ``f``: whether the stencil uses a masked sample.
        Then, as in NumPy's arithmetic on masked arrays, the output is masked:
        ``result`` is ``numpy.ma.masked``, and ``values`` and ``terms`` are
        masked arrays. Points whose stencils avoid the masked samples are
        explained (and computed) as usual.
    masked_indices : tuple of int
        The indices (along ``axis``) of the masked samples the stencil uses.
    """

    index: int | tuple[int, ...]
    axis: int
    order: int
    offsets: tuple[int, ...]
    indices: tuple[int, ...]
    coordinates: np.ndarray
    steps: dict[str, Any]
    weights: np.ndarray
    values: np.ndarray
    terms: np.ndarray
    result: Any
    scheme: str
    formula: str
    formula_latex: str
    weight_formulas: tuple[str, ...]
    kind: str
    accuracy: int
    uniform: bool
    dtype: str
    _detail: _Detail = field(repr=False)
    masked: bool = False
    masked_indices: tuple[int, ...] = ()

    def __repr__(self) -> str:
        return (
            f"Explanation(index={self.index!r}, axis={self.axis}, order={self.order}, "
            f"scheme={self.scheme!r}, offsets={self.offsets!r}, result={self.result!r}"
            + (f", masked_indices={self.masked_indices!r})" if self.masked else ")")
        )

    def _masked_line(self) -> str:
        """The sentence that says a masked output is masked, and why."""
        labels = self._detail.masked_labels
        which = (
            f"the masked sample {labels[0]}"
            if len(labels) == 1
            else "the masked samples " + ", ".join(labels[:-1]) + f" and {labels[-1]}"
        )
        return (
            f"Masked: the stencil uses {which}, so the result is masked (as in NumPy's "
            "arithmetic on masked arrays: an output is masked when a sample it uses is masked)."
        )

    # ---------------------------------------------------------------- text
    def _point(self) -> str:
        return f"x[{self._detail.position}]"

    def _heading(self) -> str:
        d = self._detail
        what = {0: "the value", 1: "the first derivative", 2: "the second derivative"}.get(
            self.order, f"the {_ordinal(self.order)} derivative"
        )
        value = "is masked" if self.masked else f"≈ {_fmt(self.result)}"
        return (
            f"{_deriv_text(self.order, self._point())} {value}: {what} at index {self.index!r}"
            f"{d.nd_prefix}, from {len(self.offsets)} sample{'s' if len(self.offsets) != 1 else ''}"
        )

    def _why(self) -> str:
        d = self._detail
        m = len(d.interp_offsets)
        if self.order == 0:
            return "Why: the zeroth derivative is the sample itself."
        text = (
            f"Why it works: exactly one {_shape_name(m)} passes through "
            f"{'these' if m == len(self.offsets) else 'the'} {m} samples"
            f"{' (f[i] included)' if m != len(self.offsets) else ''}; the weighted sum is its "
            f"{_what_of(self.order)} at {self._point()}, so the estimate is exact whenever f is "
            f"a polynomial of degree {m - 1} or less."
        )
        if not self.uniform and self.offsets == (-1, 0, 1) and self.order == 1:
            text += (
                " No other values of f are needed: the neighbours f[i-1] and f[i+1] are "
                "f(x_i - hl) and f(x_i + hr)."
            )
        return text

    def _notes(self) -> list[str]:
        d = self._detail
        notes = []
        if self.kind in ("forward", "backward", "off-centre"):
            notes.append(
                "Near an edge there are not enough samples on both sides, so the stencil is "
                f"{'one-sided' if self.kind != 'off-centre' else 'off-centre'}."
            )
        if d.periodic_wrap:
            notes.append(
                f"The axis is periodic: indices wrap around (j -> j mod {d.n}) and a sample "
                f"across the end sits one period P = {_fmt(d.period)} away."
            )
        if self.uniform and 0 not in self.offsets and self.order >= 1:
            notes.append("On a uniform grid the weight of f[i] is exactly 0 here, so f[i] is not used.")
        return notes

    def _sample_rows(self) -> list[tuple[str, ...]]:
        d = self._detail
        rows = []
        for o, j, xl, x, v, w, t in zip(
            self.offsets, self.indices, d.x_labels, self.coordinates, self.values, self.weights, self.terms
        ):
            if j in self.masked_indices:
                v = t = np.ma.masked
            rows.append((f"{o:+d}" if o else "0", str(j), _fmt(x), _fmt(v), _fmt(w), _fmt(t)))
        return rows

    def __str__(self) -> str:
        d = self._detail
        lines = [self._heading(), f"Scheme: {self.scheme}", ""]
        lines.append(f"Samples used ({len(self.offsets)}):")
        header = ("offset", "index", "x", "f")
        rows = [r[:4] for r in self._sample_rows()]
        widths = [max(len(h), *(len(r[k]) for r in rows)) for k, h in enumerate(header)]
        lines.append("  " + "  ".join(h.rjust(w) for h, w in zip(header, widths)))
        for r in rows:
            lines.append("  " + "  ".join(c.rjust(w) for c, w in zip(r, widths)))
        lines.append("")
        if d.step_lines:
            lines.append("Steps:")
            lines += [f"  {s}" for s in d.step_lines]
            lines.append("")
        lines.append("Formula:")
        lines.append(f"  {self.formula}")
        lines.append("")
        lines.append("Weights:")
        wl = [f"w[{o:+d}]" if o else "w[0]" for o in self.offsets]
        ww = max(len(s) for s in wl)
        for label, o, text, w in zip(wl, self.offsets, self._weight_derivations(), self.weights):
            lines.append(f"  {label.ljust(ww)} = {text}")
        lines.append("")
        if self.masked:
            lines.append(self._masked_line())
            lines.append("")
            lines.append(f"Result: masked  (gradkit.{d.func_name} masks index {self.index!r} by the same rule)")
        else:
            lines.append("Substituted:")
            lines += [f"  {s}" for s in self._substitution_lines()]
            lines.append("")
            lines.append(
                f"Result: {_fmt_exact(self.result)}  (exactly what gradkit.{d.func_name} returns at "
                f"index {self.index!r})"
            )
        rounded = _fmt(self.result, 12)
        if (
            not self.masked
            and not _is_complex(self.result)
            and rounded != _fmt_exact(self.result)
            and rounded == _fmt(self.result, 6)
            and "nan" not in rounded
            and "inf" not in rounded
        ):
            lines.append(
                f"  = {rounded} up to floating-point rounding: weights such as "
                "1/3 have no exact binary form, so the last digit can differ."
            )
        if d.approximate_sum_note and not self.masked:
            lines.append(
                f"  (computed in {self.dtype}; the sums above are in float64, so the last digits may differ)"
            )
        for note in self._notes():
            lines.append(note)
        lines.append(self._why())
        return "\n".join(lines)

    def _weight_derivations(self) -> list[str]:
        d = self._detail
        out = []
        for k, w in enumerate(self.weights):
            if d.closed is not None:
                sym = d.closed[k]
                out.append(f"{sym.text()} = {sym.substituted(self.steps)} = {_fmt(w)}")
            elif d.rationals is not None:
                out.append(f"{_rational_weight_text(d.rationals[k], self.order)} = {_fmt(w)}")
            else:
                out.append(_fmt(w))
        return out

    @np.errstate(all="ignore")  # the arithmetic shown may overflow (inf data); it is text
    def _substitution_lines(self) -> list[str]:
        d = self._detail
        lhs = f"{_deriv_text(self.order, self._point())} ≈ "
        pad = " " * (len(lhs) - 2)
        lines = []
        if d.closed is not None and self.offsets == (-1, 0, 1) and self.order == 1:
            hl, hr = self.steps["hl"], self.steps["hr"]
            fm, f0, fp = self.values
            a, b, c = _fmt(hl), _fmt(hr), _fmt(fp)
            num = (
                f"{_paren(a)}²·{_paren(c)} - {_paren(b)}²·{_paren(_fmt(fm))} + "
                f"({_paren(b)}² - {_paren(a)}²)·{_paren(_fmt(f0))}"
            )
            den = f"{_paren(a)}·{_paren(b)}·{_paren(_fmt(hl + hr))}"
            lines.append(lhs + f"({num}) / ({den})")
            top = hl * hl * fp - hr * hr * fm + (hr * hr - hl * hl) * f0
            bottom = hl * hr * (hl + hr)
            lines.append(pad + f"= {_fmt(top)} / {_fmt(bottom)}")
            lines.append(pad + f"= {_fmt(top / bottom)}")
            lines.append("  or, as a weighted sum of the samples:")
        elif d.rationals is not None and self.order >= 1:
            num = _rational_sum_text(d.rationals, [_paren(_fmt(v)) for v in self.values], dot=True)
            den = _common_denominator(d.rationals)
            h = _paren(_fmt(d.step))
            hp = h if self.order == 1 else (f"{h}²" if self.order == 2 else f"{h}^{self.order}")
            lines.append(lhs + f"({num}) / " + (f"({den}·{hp})" if den != 1 else hp))
            top = sum(int(fr * den) * v for fr, v in zip(d.rationals, self.values))
            bottom = den * d.step**self.order
            lines.append(pad + f"= {_fmt(top)} / {_fmt(bottom)}")
            lines.append(pad + f"= {_fmt(top / bottom)}")
            lines.append("  or, as a weighted sum of the samples:")
        products = " + ".join(f"{_paren(_fmt(w))}·{_paren(_fmt(v))}" for w, v in zip(self.weights, self.values))
        lines.append(lhs + products)
        if len(self.terms) > 1:
            lines.append(pad + "= " + " + ".join(_paren(_fmt(t)) for t in self.terms))
        total = self.terms.sum()
        lines.append(pad + f"= {_fmt(total)}")
        return lines

    # ------------------------------------------------------------ markdown
    def to_markdown(self) -> str:
        """The explanation as Markdown (a table of samples, the formula in LaTeX).

        Returns
        -------
        str

        Examples
        --------
        >>> import gradkit
        >>> md = gradkit.explain([4, 1, 1, 16], 1, spacing=[-2, -1, 1, 4]).to_markdown()
        >>> md.splitlines()[0]
        "**f'(x[1]) ≈ -2** — central, 2nd-order accurate, non-uniform grid"
        """
        d = self._detail
        out = [
            f"**{_deriv_text(self.order, self._point())} "
            f"{'is masked' if self.masked else '≈ ' + _fmt(self.result)}** — {self.scheme}",
            "",
        ]
        if d.nd_prefix:
            out += [f"Index {self.index!r}{d.nd_prefix}.", ""]
        out.append("| offset | index | x | f | weight | weight × f |")
        out.append("|---:|---:|---:|---:|---:|---:|")
        for r in self._sample_rows():
            out.append("| " + " | ".join(r) + " |")
        out.append("")
        if d.step_lines:
            out.append("Steps: " + "; ".join(f"`{s}`" for s in d.step_lines))
            out.append("")
        out.append(f"$${self.formula_latex}$$")
        out.append("")
        if self.masked:
            out.append(self._masked_line())
            out.append("")
            out.append(f"Result: **masked** (what `gradkit.{d.func_name}` returns here)")
        else:
            total = " + ".join(_paren(_fmt(t)) for t in self.terms)
            out.append(
                f"Result: {total} = **{_fmt_exact(self.result)}** (what `gradkit.{d.func_name}` returns here)"
            )
        out.append("")
        for note in self._notes():
            out += [note, ""]
        out.append(f"*{self._why()}*")
        return "\n".join(out) + "\n"

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    # --------------------------------------------------------------- LaTeX
    def to_latex(self) -> str:
        """The derivation as a LaTeX ``aligned`` block (use inside ``$$ ... $$``).

        Returns
        -------
        str

        Examples
        --------
        >>> import gradkit
        >>> tex = gradkit.explain([4, 1, 1, 16], 1, spacing=[-2, -1, 1, 4]).to_latex()
        >>> tex.startswith("\\\\begin{aligned}") and "h_l" in tex
        True
        """
        d = self._detail
        rows = []
        for name, value in self.steps.items():
            rows.append(f"{_step_latex(name)} &= {_latex_num(value)}")
        lhs = _deriv_latex(self.order, f"x_{{{d.position}}}")
        general = self.formula_latex.split("\\approx", 1)[-1].strip()
        rows.append(f"{lhs} &\\approx {general}")
        if self.masked:
            labels = ", ".join(
                _sample_latex(o) for o, j in zip(self.offsets, self.indices) if j in self.masked_indices
            )
            rows.append(
                f"&= \\text{{masked: the stencil uses the masked sample"
                f"{'s' if len(self.masked_indices) > 1 else ''} }} {labels}"
            )
        else:
            sub = " + ".join(
                f"({_latex_num(w)})({_latex_num(v)})" for w, v in zip(self.weights, self.values)
            )
            rows.append(f"&= {sub}")
            rows.append(f"&= {_latex_num(self.result, exact=True)}")
        return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"

    # ---------------------------------------------------------------- dict
    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict of every field.

        Complex numbers become ``[re, im]``; NaN and infinities become the
        strings ``"NaN"``, ``"Infinity"``, ``"-Infinity"``.

        Returns
        -------
        dict

        Examples
        --------
        >>> import json, gradkit
        >>> e = gradkit.explain([4, 1, 1, 16], 3, spacing=[-2, -1, 1, 4])
        >>> json.dumps({k: e.to_dict()[k] for k in ("offsets", "weights", "result")})
        '{"offsets": [-1, 0], "weights": [-0.3333333333333333, 0.3333333333333333], "result": 5.0}'
        """
        return {
            "index": list(self.index) if isinstance(self.index, tuple) else int(self.index),
            "axis": self.axis,
            "order": self.order,
            "offsets": [int(o) for o in self.offsets],
            "indices": [int(j) for j in self.indices],
            "coordinates": [_json_num(v) for v in self.coordinates],
            "steps": {k: _json_num(v) for k, v in self.steps.items()},
            "weights": [_json_num(v) for v in self.weights],
            "values": [_json_num(v) for v in self.values],
            "terms": [_json_num(v) for v in self.terms],
            "result": _json_num(self.result),
            "scheme": self.scheme,
            "kind": self.kind,
            "accuracy": self.accuracy,
            "uniform": self.uniform,
            "boundary": self._detail.boundary,
            "formula": self.formula,
            "formula_latex": self.formula_latex,
            "weight_formulas": list(self.weight_formulas),
            "dtype": self.dtype,
            "masked": self.masked,
            "masked_indices": [int(j) for j in self.masked_indices],
            **({"note": self._masked_line()} if self.masked else {}),
        }

    # ---------------------------------------------------------------- plot
    def plot(self, ax: Any = None) -> Any:
        """Draw the samples, the interpolating polynomial and (order 1) its tangent.

        Needs matplotlib (``pip install gradkit[plot]``), imported only here.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Where to draw; a new figure is made when omitted.

        Returns
        -------
        matplotlib.axes.Axes

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import gradkit
        >>> ax = gradkit.explain([4, 1, 1, 16], 1, spacing=[-2, -1, 1, 4]).plot()
        >>> ax.get_title().startswith("f'(x[1]) ≈ -2")
        True
        """
        d = self._detail
        if (
            np.iscomplexobj(self.values)
            or np.iscomplexobj(self.coordinates)
            or _is_complex(self.result)
        ):
            raise ValueError("explain.plot: complex samples or spacing cannot be drawn on a real plane")
        try:
            import matplotlib.pyplot as plt
        except ImportError:  # pragma: no cover - depends on the environment
            raise ImportError(
                "Explanation.plot needs matplotlib: pip install 'gradkit[plot]'"
            ) from None
        if ax is None:
            _, ax = plt.subplots(figsize=(7.5, 4.8), layout="constrained")
        # Samples near the ends of the float range overflow in the drawing's
        # own arithmetic (curve, tangent, margins): what cannot be drawn is
        # left out, without a warning.
        with np.errstate(all="ignore"):
            return self._draw(ax)

    def _draw(self, ax: Any) -> Any:
        d = self._detail
        # Masked samples (masked arrays) are not drawn as values: they have none.
        masked_used = np.array([j in self.masked_indices for j in self.indices], dtype=bool)
        ok = ~masked_used
        result = math.nan if self.masked else float(self.result)
        sx = self.coordinates.astype(float)
        sv = np.ma.getdata(self.values).astype(float)
        xi = float(d.coordinate_at_point)
        px = d.interp_coordinates.astype(float)
        pv = d.interp_values.astype(float)
        if not d.point_masked:
            fi = float(d.value_at_point)
        elif not self.masked and ok.any():
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

        if len(px) >= 2 and not self.masked:
            ext = min(0.2 * span, 0.5 * float(np.min(np.diff(np.sort(px)))))
            grid = np.linspace(lo - ext, hi + ext, 400)
            curve = _lagrange(px, pv, grid)
            ax.plot(grid, curve, "-", color="tab:blue", lw=2.2, zorder=2,
                    label=f"{_shape_name(len(px))} through the stencil points")

        ax.plot(sx[ok], sv[ok], "o", color="tab:orange", ms=10, mec="black", mew=0.8, zorder=5,
                label="samples used")
        for o, x, v, w, m in zip(self.offsets, sx, sv, self.weights, masked_used):
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
        if self.order == 1 and not self.masked:
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
        ys = np.concatenate([sv[ok], ctx_v[~ctx_masked], [fi], [0.0] if self.masked and not ok.any() else []])
        if self.order == 1 and not self.masked:
            ys = np.concatenate([ys, fi + result * (np.array([-1, 1]) * 0.45 * span)])
        ys = ys[np.isfinite(ys)]
        ymin, ymax = (float(ys.min()), float(ys.max())) if ys.size else (0.0, 1.0)
        yr = ymax - ymin if ymax > ymin else 1.0
        if not math.isfinite(ymin - 0.3 * yr) or not math.isfinite(ymax + 0.3 * yr):
            yr = 0.0  # no room for margins at the end of the float range
        level = ymin - 0.2 * yr
        xs_all = sorted(set(np.round(px, 15)) | set(np.round(sx, 15)))
        for name, value in self.steps.items():
            if name == "h":
                continue
            a, b = _gap_ends(name, d, xi)
            if a is None:
                continue
            ax.annotate("", xy=(b, level), xytext=(a, level),
                        arrowprops=dict(arrowstyle="<->", color="0.25", lw=1.2, shrinkA=0, shrinkB=0))
            ax.text((a + b) / 2, level + 0.03 * yr, f"{name} = {_fmt(value, 4)}", ha="center",
                    va="bottom", fontsize=9, color="0.15")
        if "h" in self.steps and len(sx) >= 1:
            ax.text(0.99, 0.02, f"uniform grid, h = {_fmt(self.steps['h'], 4)}", transform=ax.transAxes,
                    ha="right", va="bottom", fontsize=9, color="0.3")
        for x in xs_all:
            ax.axvline(x, color="0.85", lw=0.8, zorder=0)
        if level - 0.1 * yr < ymax + 0.3 * yr:
            ax.set_ylim(level - 0.1 * yr, ymax + 0.3 * yr)
        ax.set_xlabel("x")
        ax.set_ylabel("f")
        ax.set_title(
            f"{_deriv_text(self.order, f'x[{d.position}]')} "
            + (f"masked: uses masked {', '.join(d.masked_labels)}" if self.masked else f"≈ {_fmt(result, 6)}")
            + f"    ({self.scheme})",
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


def _latex_num(v: Any, exact: bool = False) -> str:
    if _is_complex(v):
        c = complex(v)
        return f"({_fmt(c.real)} {'-' if c.imag < 0 else '+'} {_fmt(abs(c.imag))}i)"
    text = _fmt_exact(v) if exact else _fmt(v)
    if "e" in text and "inf" not in text and "nan" not in text:
        mant, ex = text.split("e")
        text = f"{mant} \\times 10^{{{int(ex)}}}"
    return text


def _rational_weight_text(fr: Fraction, order: int) -> str:
    """A unit-step weight divided by h**order, e.g. ``-1/(2h)`` or ``-2/h²``."""
    hp = "h" if order == 1 else ("h²" if order == 2 else f"h^{order}")
    if fr.denominator == 1:
        return f"{fr.numerator}/{hp}"
    return f"{fr.numerator}/({fr.denominator}{hp})"


def _common_denominator(rationals: Sequence[Fraction]) -> int:
    den = 1
    for fr in rationals:
        den = den * fr.denominator // math.gcd(den, fr.denominator)
    return den


def _rational_sum_text(rationals: Sequence[Fraction], samples: Sequence[str], dot: bool = False) -> str:
    den = _common_denominator(rationals)
    parts = []
    for fr, s in zip(rationals, samples):
        c = int(fr * den)
        mag = abs(c)
        term = s if mag == 1 else (f"{mag}·{s}" if dot else f"{mag}{s}")
        if not parts:
            parts.append(("-" if c < 0 else "") + term)
        else:
            parts.append(f" {'-' if c < 0 else '+'} {term}")
    return "".join(parts)


def _den_text(rationals: Sequence[Fraction], order: int, h: str = "h", latex: bool = False) -> str:
    den = _common_denominator(rationals)
    if latex:
        hp = h if order == 1 else f"{h}^{{{order}}}"
    else:
        hp = h if order == 1 else (f"{h}²" if order == 2 else f"{h}^{order}")
    if den == 1:
        return hp
    return f"({den}{hp})" if not latex else f"{den}{hp}"


# ---------------------------------------------------------------------------
# Building explanations
# ---------------------------------------------------------------------------
def _to_host(a: Any) -> np.ndarray:
    if is_torch(a):
        return a.detach().cpu().resolve_conj().resolve_neg().numpy()
    if hasattr(a, "get") and type(a).__module__.startswith("cupy"):
        return a.get()
    return np.asarray(a)


def _widen(a: np.ndarray) -> np.ndarray:
    """float16/32 -> float64, complex64 -> complex128 (exactly); others unchanged."""
    if a.dtype.kind == "f" and a.dtype.itemsize < 8:
        return a.astype(np.float64)
    if a.dtype.kind == "c" and a.dtype.itemsize < 16:
        return a.astype(np.complex128)
    if a.dtype.kind in "iub":
        return a.astype(np.float64)
    return a


def _scalar(el: Any) -> Any:
    if hasattr(el, "item"):
        v = el.item()
    else:
        v = complex(el)
        v = v.real if v.imag == 0 else v
    return v


class _Line:
    """The line of samples through a point along the axis, with its plan and results."""

    def __init__(
        self,
        op: Operand,
        spec: _args.AxisSpec,
        prefix: tuple[Any, ...],
        ndim: int,
        mask: np.ndarray | None = None,
        point: int | None = None,
    ) -> None:
        self.axis = spec.axis
        #: which samples of the line are masked (None: none are)
        if mask is not None and chunked.is_dask(mask):
            mask = _needed_samples(mask[prefix], spec, point)  # the line's, where the explanation reads it
            prefix_mask = mask if mask.any() else None
            self.mask = None if prefix_mask is None else prefix_mask.astype(bool)
        else:
            self.mask = None if mask is None else np.asarray(mask[prefix], dtype=bool)
        self.ndim = ndim
        self.prefix = prefix  # the full index with slice(None) at axis
        line = op.array[prefix]
        if chunked.is_dask(line):
            line = _needed_samples(line, spec, point)
        line_op = as_operand(line, _FUNC)
        self.spec = dataclasses.replace(spec, axis=0)
        dtypes = native_dtypes(line_op, [self.spec])
        compute, out_dtype = dtypes[0]
        out = evaluate(line_op, [self.spec], dtypes)[0]
        self.out = out
        self.dtype = str(out_dtype)
        xp = line_op.xp
        values = line_op.array if line_op.dtype == compute else xp.astype(line_op.array, compute)
        host = _to_host(values)
        self.values = _widen(host)
        self.low_precision = (host.dtype.kind == "f" and host.dtype.itemsize < 8) or (
            host.dtype.kind == "c" and host.dtype.itemsize < 16
        )
        self.plan: AxisPlan = self.spec.plan(host=True)
        self.n = spec.n
        entry = spec.spacing
        self.coords = entry.coords
        if self.coords is not None:
            if spec.period is not None:
                self.period = spec.period
            elif len(self.coords) > 1:
                self.period = len(self.coords) * (self.coords[1] - self.coords[0])
            else:
                self.period = None
        else:
            self.period = None if spec.boundary != "periodic" else self.n * entry.step

    def coordinate(self, j: int) -> Any:
        """Coordinate of the (possibly unwrapped) sample index j."""
        if self.coords is None:
            return j * self.spec.spacing.step
        q, r = divmod(j, self.n)
        x = float(self.coords[r])
        return x + q * self.period if q else x

    def x_label(self, j: int) -> str:
        q, r = divmod(j, self.n)
        if not q:
            return f"x[{j}]"
        mult = "" if abs(q) == 1 else f"{abs(q)}"
        return f"(x[{r}] {'+' if q > 0 else '-'} {mult}P)"

    def result(self, i: int) -> Any:
        return _scalar(self.out[i])

    def full_index(self, i: int) -> int | tuple[int, ...]:
        if self.ndim == 1:
            return i
        return tuple(i if isinstance(p, slice) else p for p in self.prefix)


def _needed_samples(line: Any, spec: _args.AxisSpec, point: int | None) -> np.ndarray:
    """A Dask line as a NumPy line holding only what an explanation of
    ``point`` reads: the samples of its stencil and the context drawn
    around it (zeros elsewhere, never shown); one small compute that reads
    only the chunks holding them. ``point=None``: the whole line."""
    if point is None:
        return np.asarray(line.compute())
    n = spec.n
    offsets = spec.plan(host=True).block_of(point).offsets
    lo, hi = min(min(offsets), 0) - 2, max(max(offsets), 0) + 2
    needed = sorted({(point + o) % n if spec.boundary == "periodic" else point + o for o in range(lo, hi + 1)})
    needed = [j for j in needed if 0 <= j < n]
    host = np.zeros(n, dtype=line.dtype)
    host[needed] = np.asarray(line[np.array(needed)].compute())
    return host


def _prepare(
    f: Any,
    *,
    spacing: Any,
    axis: Any,
    dim: Any,
    order: Any,
    accuracy: Any,
    edge_order: Any,
    boundary: Any,
    period: Any,
) -> tuple[Operand, _args.AxisSpec]:
    for what, value in (("f", f), ("spacing", spacing), ("period", period)):
        if _is_jax_tracer(value) or (
            isinstance(value, (list, tuple)) and any(_is_jax_tracer(v) for v in value)
        ):
            raise TypeError(
                f"{_FUNC}: {what} is being traced (jax.jit, jax.grad, ...); an explanation needs the "
                "actual numbers, so call explain outside the transformation"
            )
    # A torch tensor that requires grad has readable values: explain those.
    op = as_operand(_detached(f), _FUNC)
    ax = _dim_or_axis(dim, axis, _FUNC)
    name = "dim" if dim is not _UNSET else "axis"
    if op.ndim == 0:
        raise ValueError(
            f"{_FUNC}: f is 0-dimensional (a single number); a derivative needs samples along an axis"
        )
    if ax is None:
        if op.ndim != 1:
            raise TypeError(
                f"{_FUNC}: f is {op.ndim}-D with shape {op.shape}; pass axis= to say along which "
                "axis to differentiate"
            )
        ax = 0
    if isinstance(ax, (list, tuple)):
        raise TypeError(f"{_FUNC}: {name} must be one integer (explain follows one axis), got {ax!r}")
    (a,) = _args.normalize_dims(ax, op.ndim, _FUNC, name)
    if isinstance(order, (list, tuple)):
        raise TypeError(f"{_FUNC}: order must be one integer (explain follows one axis), got {order!r}")
    # An explanation is about numbers: coordinates that carry gradients are read as plain values.
    if isinstance(spacing, (list, tuple)):
        spacing = type(spacing)(_detached(v) for v in spacing)
    entries = [_args.single_axis_spacing(_detached(spacing), a, op.shape, _FUNC)]
    rule = _gradient_edge_order if (_args._is_int(order) and order == 1) else None
    (spec,) = _args.make_specs(
        op.shape,
        (a,),
        entries,
        func=_FUNC,
        order=order,
        accuracy=accuracy,
        edge_order=edge_order,
        boundary=boundary,
        period=period,
        default_edge_order=rule,
        eps=op.rounding_unit(),
    )
    if spec.unit_exponent:
        raise ValueError(
            f"{_FUNC}: the coordinates along dim {a} have gaps near 2**{-spec.unit_exponent}, so far from 1 that "
            "the weights in coordinate units would leave the float range (gradient and derivative rescale them "
            "by a power of two internally). Explain the point on coordinates in other units, e.g. x * 2**k"
        )
    return op, spec


def _normalize_index(index: Any, shape: tuple[int, ...]) -> tuple[int, ...]:
    nd = len(shape)
    if _args._is_int(index) and nd == 1:
        items: tuple[Any, ...] = (index,)
    elif isinstance(index, (tuple, list)):
        items = tuple(index)
    elif _args._is_int(index):
        raise TypeError(
            f"{_FUNC}: f is {nd}-D with shape {shape}, so index must be a tuple of {nd} integers, "
            f"got {index!r}"
        )
    else:
        want = "an integer" if nd == 1 else f"a tuple of {nd} integers"
        raise TypeError(f"{_FUNC}: index must be {want}, got {type(index).__name__} {index!r}")
    if len(items) != nd:
        raise ValueError(
            f"{_FUNC}: index {index!r} has {len(items)} entr{'y' if len(items) == 1 else 'ies'}, "
            f"but f is {nd}-D with shape {shape}; give one index per dim"
        )
    out = []
    for k, (v, s) in enumerate(zip(items, shape)):
        if not _args._is_int(v):
            raise TypeError(f"{_FUNC}: index must contain integers only, got {v!r} in {index!r}")
        if not -s <= v < s:
            where = "" if nd == 1 else f" (entry {k})"
            raise IndexError(
                f"{_FUNC}: index {index!r} is out of range{where}: dim {k} has {s} samples, "
                f"so expected a value in [{-s}, {s - 1}]"
            )
        out.append(int(v) % s)
    return tuple(out)


def _accuracy_of(kind: str, plan: AxisPlan, order: int, edge: bool = False) -> int:
    if edge:
        return plan.edge_order
    if kind in ("central", "periodic"):
        if plan.uniform:
            return plan.accuracy + plan.accuracy % 2
        return interior_width(order, plan.accuracy, uniform=False) - order
    return plan.edge_order


def _scheme(
    kind: str, accuracy: int, uniform: bool, offsets: Sequence[int], wraps: bool, edge: bool = False
) -> str:
    grid = "uniform grid" if uniform else "non-uniform grid"
    acc = f"{_ordinal(accuracy)}-order accurate"
    if kind == "identity":
        return "identity (order 0: the sample itself)"
    if kind == "central":
        return f"central, {acc}{' (edge)' if edge else ''}, {grid}"
    if kind == "periodic":
        return f"periodic, {acc}, {grid}" + (" (wraps around the end)" if wraps else "")
    if kind in ("forward", "backward"):
        return f"one-sided {kind}, {acc} (edge), {grid}"
    return f"off-centre ({-min(offsets[0], 0)} left, {max(offsets[-1], 0)} right), {acc} (near the edge), {grid}"


def _explain_point(line: _Line, i: int) -> Explanation:
    plan = line.plan
    block = plan.block_of(i)
    idx, w = plan.stencil(i)
    offsets = tuple(int(o) for o in block.offsets)
    order = plan.order
    unit = np.asarray(block.row(i))
    weights = np.asarray(w)
    values = line.values[idx]
    with np.errstate(all="ignore"):  # inf/nan samples give inf/nan terms, as in the sum itself
        terms = weights * values
    # Masked arrays: an output is masked when a sample its stencil uses is masked.
    masked_indices: tuple[int, ...] = ()
    if line.mask is not None:
        used_masked = line.mask[np.asarray(idx)]
        masked_indices = tuple(sorted({int(j) for j, m in zip(idx, used_masked) if m}))
        if masked_indices:
            values = np.ma.array(values, mask=used_masked)
            terms = np.ma.array(terms, mask=used_masked)
    kind = "identity" if order == 0 else block.kind
    accuracy = 0 if order == 0 else _accuracy_of(kind, plan, order, block.edge)
    uniform = plan.uniform
    wraps = plan.periodic and any(not 0 <= i + o < line.n for o in offsets)

    coordinates = np.array([line.coordinate(i + o) for o in offsets])
    x_labels = tuple(line.x_label(i + o) for o in offsets)
    interp_offsets = tuple(sorted(set(offsets) | {0})) if order >= 1 else (0,)
    interp_coordinates = np.array([line.coordinate(i + o) for o in interp_offsets])
    interp_values = np.array([line.values[(i + o) % line.n] for o in interp_offsets])

    # Steps and their derivations.
    step_lines: list[str] = []
    if uniform:
        steps: dict[str, Any] = {"h": plan.step}
        step_lines.append(f"h = {_fmt(plan.step)} (uniform grid)")
    else:
        steps = {}
        lo, hi = min(interp_offsets[0], 0), max(interp_offsets[-1], 0)
        names = sorted((_step_name(o) for o in range(lo + 1, hi + 1)), key=_step_key)
        for nm in names:
            side, k = nm[1], int(nm[2:] or 1)
            o = k if side == "r" else 1 - k
            a_, b_ = line.coordinate(i + o - 1), line.coordinate(i + o)
            steps[nm] = b_ - a_
            la, lb = line.x_label(i + o - 1), line.x_label(i + o)
            step_lines.append(
                f"{nm} = {lb} - {la} = {_fmt(b_)} - {_paren(_fmt(a_))} = {_fmt(b_ - a_)}"
            )

    # Formulas.
    lhs_t = f"{_deriv_text(order)} ≈ "
    lhs_l = f"{_deriv_latex(order)} \\approx "
    closed = None if uniform else _closed_form(offsets, order)
    rationals = _unit_rationals(unit, offsets, order) if uniform else None
    if order == 0:
        formula = "f(x_i) = f[i]"
        formula_latex = "f(x_i) = f_i"
        wforms = ("1",)
        closed, rationals = None, None
    elif closed is not None:
        if offsets == (-1, 0, 1) and order == 1:
            formula = lhs_t + "(hl² f[i+1] - hr² f[i-1] + (hr² - hl²) f[i]) / (hl hr (hl + hr))"
            formula_latex = lhs_l + (
                "\\frac{h_l^2 f_{i+1} - h_r^2 f_{i-1} + (h_r^2 - h_l^2) f_i}{h_l h_r (h_l + h_r)}"
            )
        elif len(offsets) == 2:
            span = _lin_text(_span(offsets[0], offsets[1]))
            span_l = _lin_text(_span(offsets[0], offsets[1]), latex=True)
            span_t = f"({span})" if "+" in span else span
            formula = lhs_t + f"({_sample_text(offsets[1])} - {_sample_text(offsets[0])}) / {span_t}"
            formula_latex = lhs_l + (
                f"\\frac{{{_sample_latex(offsets[1])} - {_sample_latex(offsets[0])}}}{{{span_l}}}"
            )
        else:
            formula = lhs_t + _signed_join(
                [(sw.sign, sw.text().lstrip("-"), _sample_text(o)) for sw, o in zip(closed, offsets)], " "
            )
            formula_latex = lhs_l + _signed_join(
                [(sw.sign, sw.text(latex=True).lstrip("-"), _sample_latex(o)) for sw, o in zip(closed, offsets)],
                " ",
            )
        wforms = tuple(sw.text() for sw in closed)
    elif rationals is not None:
        num = _rational_sum_text(rationals, [_sample_text(o) for o in offsets])
        num_l = _rational_sum_text(rationals, [_sample_latex(o) for o in offsets])
        formula = lhs_t + f"({num}) / {_den_text(rationals, order)}"
        formula_latex = lhs_l + f"\\frac{{{num_l}}}{{{_den_text(rationals, order, latex=True)}}}"
        wforms = tuple(_rational_weight_text(fr, order) for fr in rationals)
    else:
        formula = (
            lhs_t + " + ".join(f"w[{o:+d}] {_sample_text(o)}" if o else f"w[0] {_sample_text(o)}" for o in offsets)
            + f"  (the weights of the {_what_of(order)} at x_i of the {_shape_name(len(interp_offsets))} "
            f"through the {len(interp_offsets)} samples, from Fornberg's algorithm)"
        )
        formula_latex = lhs_l + "\\sum_k w_k\\, f_{i+o_k}"
        wforms = tuple(_fmt(v) for v in weights)

    context = _context(line, i, offsets)
    masked_labels = tuple(f"f[{_index_text(line.full_index(j))}]" for j in masked_indices)
    func_name = "gradient" if order == 1 else "derivative"
    nd_prefix = ""
    if line.ndim > 1:
        where = ", ".join(":" if isinstance(p, slice) else str(p) for p in line.prefix)
        nd_prefix = f", along axis {line.axis} (the line f[{where}])"
    detail = _Detail(
        position=i,
        n=line.n,
        boundary=plan.boundary,
        periodic_wrap=wraps,
        step=plan.step,
        unit_weights=unit,
        divisor=plan.divisor,
        rationals=rationals,
        closed=closed,
        x_labels=x_labels,
        period=line.period,
        value_at_point=line.values[i],
        coordinate_at_point=line.coordinate(i),
        interp_offsets=interp_offsets,
        interp_coordinates=interp_coordinates,
        interp_values=interp_values,
        context_coordinates=np.array([line.coordinate(j) for j in context]),
        context_values=np.array([line.values[j % line.n] for j in context]),
        nd_prefix=nd_prefix,
        func_name=func_name,
        approximate_sum_note=line.low_precision,
        step_lines=tuple(step_lines),
        masked_labels=masked_labels,
        context_masked=(
            None if line.mask is None else np.array([bool(line.mask[j % line.n]) for j in context])
        ),
        point_masked=bool(line.mask is not None and line.mask[i]),
    )
    return Explanation(
        index=line.full_index(i),
        axis=line.axis,
        order=order,
        offsets=offsets,
        indices=tuple(int(j) for j in idx),
        coordinates=coordinates,
        steps=steps,
        weights=weights,
        values=values,
        terms=terms,
        result=np.ma.masked if masked_indices else line.result(i),
        scheme=_scheme(kind, accuracy, uniform, offsets, wraps, block.edge),
        formula=formula,
        formula_latex=formula_latex,
        weight_formulas=wforms,
        kind=kind,
        accuracy=accuracy,
        uniform=uniform,
        dtype=line.dtype,
        _detail=detail,
        masked=bool(masked_indices),
        masked_indices=masked_indices,
    )


def _index_text(index: int | tuple[int, ...]) -> str:
    return ", ".join(map(str, index)) if isinstance(index, tuple) else str(index)


def _signed_join(parts: Sequence[tuple[int, str, str]], sep: str) -> str:
    out = []
    for n, (sign, coef, sample) in enumerate(parts):
        term = f"{coef}{sep}{sample}"
        if n == 0:
            out.append(("-" if sign < 0 else "") + term)
        else:
            out.append(f" {'-' if sign < 0 else '+'} {term}")
    return "".join(out)


def _context(line: _Line, i: int, offsets: Sequence[int]) -> list[int]:
    """Unwrapped indices of the samples drawn around the stencil."""
    lo, hi = min(min(offsets), 0) - 2, max(max(offsets), 0) + 2
    if line.plan.periodic:
        # At most one period's worth of distinct samples, centred on the stencil.
        while hi - lo + 1 > line.n:
            if hi - max(max(offsets), 0) >= min(min(offsets), 0) - lo and hi > max(max(offsets), 0):
                hi -= 1
            elif lo < min(min(offsets), 0):
                lo += 1
            else:
                break
        return list(range(i + lo, i + hi + 1))
    return [j for j in range(i + lo, i + hi + 1) if 0 <= j < line.n]


def _make_line(
    op: Operand, spec: _args.AxisSpec, index: tuple[int, ...], mask: np.ndarray | None = None,
    point: int | None = None,
) -> _Line:
    prefix = tuple(slice(None) if k == spec.axis else v for k, v in enumerate(index))
    return _Line(op, spec, prefix, op.ndim, mask, point)


def _detached(value: Any) -> Any:
    return value.detach() if is_torch(value) else value


def _is_jax_tracer(value: Any) -> bool:
    """A JAX tracer (inside jax.jit, jax.grad, ...): its numbers are not known yet."""
    jax_core = sys.modules.get("jax.core")
    tracer = getattr(jax_core, "Tracer", None) if jax_core is not None else None
    return tracer is not None and isinstance(value, tracer)


def _split_mask(f: Any) -> tuple[Any, np.ndarray | None]:
    """A masked array's data and its mask (None when nothing is masked); a
    Dask array of np.ma blocks gives both lazily (the explanation computes
    only the samples of the mask it reads)."""
    if chunked.is_dask(f) and isinstance(getattr(f, "_meta", None), np.ma.MaskedArray):
        import dask.array as da

        return da.ma.getdata(f), da.ma.getmaskarray(f)
    if not np.ma.isMaskedArray(f):
        return f, None
    mask = np.ma.getmask(f)
    data = np.ma.getdata(f)
    if mask is np.ma.nomask or mask.dtype.names is not None or not mask.any():
        return data, None  # (a structured mask goes with structured data, which is refused by its dtype)
    return data, np.broadcast_to(mask, data.shape)


def explain(
    f: Any,
    index: int | Sequence[int],
    *,
    spacing: Any = 1,
    axis: Any = _UNSET,
    dim: Any = _UNSET,
    order: int = 1,
    accuracy: int = 2,
    edge_order: int | None = None,
    boundary: str = "one-sided",
    period: Any = None,
) -> Explanation:
    """Explain how one output value is computed: samples, steps, weights, formula, result.

    The explanation reads the same stencil plan as :func:`gradkit.gradient`
    (``order=1``) and :func:`gradkit.derivative` (any order) and runs the
    same kernel, so ``explain(f, i, ...).result`` equals the value those
    functions return at ``i`` exactly.

    Parameters
    ----------
    f : array_like
        Samples (NumPy, PyTorch or any array-API array, or nested lists). A
        torch tensor that requires grad is explained by its values. For a
        NumPy masked array, a point whose stencil uses a masked sample is
        masked (``masked=True``, ``result`` is ``numpy.ma.masked``), as in
        NumPy's arithmetic on masked arrays.
    index : int or tuple of int
        The point: an int for 1-D ``f``, a tuple with one entry per dim
        otherwise. Negative values count from the end.
    spacing : scalar, 1-D array or 1-tuple of either, default 1
        The step, or the coordinates of the samples along the axis (as for
        :func:`gradkit.gradient` with one dim). Since only one axis is
        involved, a plain list of numbers is taken as coordinates too.
    axis, dim : int, optional
        The axis to differentiate along (aliases). Required when ``f`` has
        more than one dim.
    order : int, default 1
        Derivative order.
    accuracy : int, default 2
        Order of accuracy away from the edges.
    edge_order : int, optional
        Accuracy at the edges. ``None`` follows the function being explained:
        for ``order=1`` it is :func:`gradkit.gradient`'s rule (1 when
        ``accuracy == 2``, as torch, else ``accuracy``); for ``order >= 2``
        it is :func:`gradkit.derivative`'s rule (``accuracy``).
    boundary : {"one-sided", "periodic"}, default "one-sided"
    period : float, optional
        The period, for ``boundary="periodic"`` on non-uniform coordinates.

    Returns
    -------
    Explanation
        Print it for a derivation; also ``to_markdown()``, ``to_latex()``,
        ``to_dict()`` and ``plot()``.

    Raises
    ------
    TypeError, ValueError, IndexError
        For bad arguments, with the same messages as :func:`gradkit.gradient`
        (named ``explain``), or for a bad ``index``; ``TypeError`` for JAX
        tracers (inside ``jax.jit``, ``jax.grad``, ...), whose numbers are
        not known yet.

    Examples
    --------
    The question that started gradkit: ``f(x) = x**2`` sampled at
    ``x = -2, -1, 1, 4``. Where does ``-2`` at index 1 come from?

    >>> import gradkit
    >>> e = gradkit.explain([4, 1, 1, 16], 1, spacing=[-2, -1, 1, 4])
    >>> e.scheme
    'central, 2nd-order accurate, non-uniform grid'
    >>> e.offsets, e.steps
    ((-1, 0, 1), {'hl': 1.0, 'hr': 2.0})
    >>> bool(e.result == gradkit.gradient([4., 1., 1., 16.], spacing=([-2., -1., 1., 4.],))[0][1])
    True
    >>> round(e.result, 12)
    -2.0
    >>> [round(float(w), 4) for w in e.weights]
    [-0.6667, 0.5, 0.1667]
    >>> gradkit.explain([4, 1, 1, 16], 0, spacing=[-2, -1, 1, 4]).scheme
    'one-sided forward, 1st-order accurate (edge), non-uniform grid'
    >>> print(gradkit.explain([0.0, 1.0, 4.0, 9.0, 16.0], 2, order=2).formula)
    f''(x_i) ≈ (f[i-1] - 2f[i] + f[i+1]) / h²
    """
    f, mask = _split_mask(f)
    op, spec = _prepare(
        f,
        spacing=spacing,
        axis=axis,
        dim=dim,
        order=order,
        accuracy=accuracy,
        edge_order=edge_order,
        boundary=boundary,
        period=period,
    )
    full = _normalize_index(index, op.shape)
    line = _make_line(op, spec, full, mask, point=full[spec.axis])
    return _explain_point(line, full[spec.axis])


def _explain_all(
    f: Any,
    *,
    line_index: Sequence[int] | None = None,
    spacing: Any = 1,
    axis: Any = _UNSET,
    dim: Any = _UNSET,
    order: int = 1,
    accuracy: int = 2,
    edge_order: int | None = None,
    boundary: str = "one-sided",
    period: Any = None,
) -> list[Explanation]:
    """Explanations of every point of one line along the axis (the line through
    ``line_index``, whose entry at the axis is ignored; 1-D input needs none)."""
    f, mask = _split_mask(f)
    op, spec = _prepare(
        f,
        spacing=spacing,
        axis=axis,
        dim=dim,
        order=order,
        accuracy=accuracy,
        edge_order=edge_order,
        boundary=boundary,
        period=period,
    )
    if line_index is None:
        if op.ndim != 1:
            raise TypeError(f"{_FUNC}: f is {op.ndim}-D; say which line to explain with an index")
        line_index = (0,)
    full = _normalize_index(tuple(line_index), op.shape)
    line = _make_line(op, spec, full, mask)
    return [_explain_point(line, i) for i in range(line.n)]
