"""Formatting helpers of the explanations: numbers, derivative and sample
names, steps as linear forms of the named gaps, the closed-form weights of
the short stencils in terms of the steps, and rational weights as text.

These only *describe* weights that come from :mod:`gradkit.stencils`; they
are shared by the explanation's model (its formulas) and its renderings."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Sequence

import numpy as np

from ..stencils import _fornberg

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
