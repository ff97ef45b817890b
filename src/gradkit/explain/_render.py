"""The four renderings of an :class:`~gradkit.Explanation`: plain
text, Markdown, LaTeX and a JSON-safe dict. They read the explanation's
fields and its ``_detail``; nothing here computes a weight."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ._format import (
    _ordinal,
    _is_complex,
    _fmt,
    _fmt_exact,
    _paren,
    _json_num,
    _deriv_text,
    _deriv_latex,
    _sample_latex,
    _shape_name,
    _what_of,
    _step_latex,
    _latex_num,
    _rational_weight_text,
    _common_denominator,
    _rational_sum_text,
)

if TYPE_CHECKING:
    from ._model import Explanation


def _masked_line(e: "Explanation") -> str:
    """The sentence that says a masked output is masked, and why."""
    labels = e._detail.masked_labels
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
def _point(e: "Explanation") -> str:
    return f"x[{e._detail.position}]"

def _heading(e: "Explanation") -> str:
    d = e._detail
    what = {0: "the value", 1: "the first derivative", 2: "the second derivative"}.get(
        e.order, f"the {_ordinal(e.order)} derivative"
    )
    value = "is masked" if e.masked else f"≈ {_fmt(e.result)}"
    return (
        f"{_deriv_text(e.order, _point(e))} {value}: {what} at index {e.index!r}"
        f"{d.nd_prefix}, from {len(e.offsets)} sample{'s' if len(e.offsets) != 1 else ''}"
    )

def _why(e: "Explanation") -> str:
    d = e._detail
    m = len(d.interp_offsets)
    if e.order == 0:
        return "Why: the zeroth derivative is the sample ite."
    text = (
        f"Why it works: exactly one {_shape_name(m)} passes through "
        f"{'these' if m == len(e.offsets) else 'the'} {m} samples"
        f"{' (f[i] included)' if m != len(e.offsets) else ''}; the weighted sum is its "
        f"{_what_of(e.order)} at {_point(e)}, so the estimate is exact whenever f is "
        f"a polynomial of degree {m - 1} or less."
    )
    if not e.uniform and e.offsets == (-1, 0, 1) and e.order == 1:
        text += (
            " No other values of f are needed: the neighbours f[i-1] and f[i+1] are "
            "f(x_i - hl) and f(x_i + hr)."
        )
    return text

def _notes(e: "Explanation") -> list[str]:
    d = e._detail
    notes = []
    if e.kind in ("forward", "backward", "off-centre"):
        notes.append(
            "Near an edge there are not enough samples on both sides, so the stencil is "
            f"{'one-sided' if e.kind != 'off-centre' else 'off-centre'}."
        )
    if d.periodic_wrap:
        notes.append(
            f"The axis is periodic: indices wrap around (j -> j mod {d.n}) and a sample "
            f"across the end sits one period P = {_fmt(d.period)} away."
        )
    if e.uniform and 0 not in e.offsets and e.order >= 1:
        notes.append("On a uniform grid the weight of f[i] is exactly 0 here, so f[i] is not used.")
    return notes

def _sample_rows(e: "Explanation") -> list[tuple[str, ...]]:
    d = e._detail
    rows = []
    for o, j, xl, x, v, w, t in zip(
        e.offsets, e.indices, d.x_labels, e.coordinates, e.values, e.weights, e.terms
    ):
        if j in e.masked_indices:
            v = t = np.ma.masked
        rows.append((f"{o:+d}" if o else "0", str(j), _fmt(x), _fmt(v), _fmt(w), _fmt(t)))
    return rows

def text(e: "Explanation") -> str:
    """The plain-text explanation (``str(explanation)``)."""
    d = e._detail
    lines = [_heading(e), f"Scheme: {e.scheme}", ""]
    lines.append(f"Samples used ({len(e.offsets)}):")
    header = ("offset", "index", "x", "f")
    rows = [r[:4] for r in _sample_rows(e)]
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
    lines.append(f"  {e.formula}")
    lines.append("")
    lines.append("Weights:")
    wl = [f"w[{o:+d}]" if o else "w[0]" for o in e.offsets]
    ww = max(len(s) for s in wl)
    for label, o, text, w in zip(wl, e.offsets, _weight_derivations(e), e.weights):
        lines.append(f"  {label.ljust(ww)} = {text}")
    lines.append("")
    if e.masked:
        lines.append(_masked_line(e))
        lines.append("")
        lines.append(f"Result: masked  (gradkit.{d.func_name} masks index {e.index!r} by the same rule)")
    else:
        lines.append("Substituted:")
        lines += [f"  {s}" for s in _substitution_lines(e)]
        lines.append("")
        lines.append(
            f"Result: {_fmt_exact(e.result)}  (exactly what gradkit.{d.func_name} returns at "
            f"index {e.index!r})"
        )
    rounded = _fmt(e.result, 12)
    if (
        not e.masked
        and not _is_complex(e.result)
        and rounded != _fmt_exact(e.result)
        and rounded == _fmt(e.result, 6)
        and "nan" not in rounded
        and "inf" not in rounded
    ):
        lines.append(
            f"  = {rounded} up to floating-point rounding: weights such as "
            "1/3 have no exact binary form, so the last digit can differ."
        )
    if d.approximate_sum_note and not e.masked:
        lines.append(
            f"  (computed in {e.dtype}; the sums above are in float64, so the last digits may differ)"
        )
    for note in _notes(e):
        lines.append(note)
    lines.append(_why(e))
    return "\n".join(lines)

def _weight_derivations(e: "Explanation") -> list[str]:
    d = e._detail
    out = []
    for k, w in enumerate(e.weights):
        if d.closed is not None:
            sym = d.closed[k]
            out.append(f"{sym.text()} = {sym.substituted(e.steps)} = {_fmt(w)}")
        elif d.rationals is not None:
            out.append(f"{_rational_weight_text(d.rationals[k], e.order)} = {_fmt(w)}")
        else:
            out.append(_fmt(w))
    return out

@np.errstate(all="ignore")  # the arithmetic shown may overflow (inf data); it is text
def _substitution_lines(e: "Explanation") -> list[str]:
    d = e._detail
    lhs = f"{_deriv_text(e.order, _point(e))} ≈ "
    pad = " " * (len(lhs) - 2)
    lines = []
    if d.closed is not None and e.offsets == (-1, 0, 1) and e.order == 1:
        hl, hr = e.steps["hl"], e.steps["hr"]
        fm, f0, fp = e.values
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
    elif d.rationals is not None and e.order >= 1:
        num = _rational_sum_text(d.rationals, [_paren(_fmt(v)) for v in e.values], dot=True)
        den = _common_denominator(d.rationals)
        h = _paren(_fmt(d.step))
        hp = h if e.order == 1 else (f"{h}²" if e.order == 2 else f"{h}^{e.order}")
        lines.append(lhs + f"({num}) / " + (f"({den}·{hp})" if den != 1 else hp))
        top = sum(int(fr * den) * v for fr, v in zip(d.rationals, e.values))
        bottom = den * d.step**e.order
        lines.append(pad + f"= {_fmt(top)} / {_fmt(bottom)}")
        lines.append(pad + f"= {_fmt(top / bottom)}")
        lines.append("  or, as a weighted sum of the samples:")
    products = " + ".join(f"{_paren(_fmt(w))}·{_paren(_fmt(v))}" for w, v in zip(e.weights, e.values))
    lines.append(lhs + products)
    if len(e.terms) > 1:
        lines.append(pad + "= " + " + ".join(_paren(_fmt(t)) for t in e.terms))
    total = e.terms.sum()
    lines.append(pad + f"= {_fmt(total)}")
    return lines

# ------------------------------------------------------------ markdown
def markdown(e: "Explanation") -> str:
    """The explanation as Markdown (a table of samples, the formula in LaTeX) (see :meth:`Explanation.to_markdown`)."""
    d = e._detail
    out = [
        f"**{_deriv_text(e.order, _point(e))} "
        f"{'is masked' if e.masked else '≈ ' + _fmt(e.result)}** — {e.scheme}",
        "",
    ]
    if d.nd_prefix:
        out += [f"Index {e.index!r}{d.nd_prefix}.", ""]
    out.append("| offset | index | x | f | weight | weight × f |")
    out.append("|---:|---:|---:|---:|---:|---:|")
    for r in _sample_rows(e):
        out.append("| " + " | ".join(r) + " |")
    out.append("")
    if d.step_lines:
        out.append("Steps: " + "; ".join(f"`{s}`" for s in d.step_lines))
        out.append("")
    out.append(f"$${e.formula_latex}$$")
    out.append("")
    if e.masked:
        out.append(_masked_line(e))
        out.append("")
        out.append(f"Result: **masked** (what `gradkit.{d.func_name}` returns here)")
    else:
        total = " + ".join(_paren(_fmt(t)) for t in e.terms)
        out.append(
            f"Result: {total} = **{_fmt_exact(e.result)}** (what `gradkit.{d.func_name}` returns here)"
        )
    out.append("")
    for note in _notes(e):
        out += [note, ""]
    out.append(f"*{_why(e)}*")
    return "\n".join(out) + "\n"

# --------------------------------------------------------------- LaTeX
def latex(e: "Explanation") -> str:
    """The derivation as a LaTeX ``aligned`` block (use inside ``$$ ... $$``) (see :meth:`Explanation.to_latex`)."""
    d = e._detail
    rows = []
    for name, value in e.steps.items():
        rows.append(f"{_step_latex(name)} &= {_latex_num(value)}")
    lhs = _deriv_latex(e.order, f"x_{{{d.position}}}")
    general = e.formula_latex.split("\\approx", 1)[-1].strip()
    rows.append(f"{lhs} &\\approx {general}")
    if e.masked:
        labels = ", ".join(
            _sample_latex(o) for o, j in zip(e.offsets, e.indices) if j in e.masked_indices
        )
        rows.append(
            f"&= \\text{{masked: the stencil uses the masked sample"
            f"{'s' if len(e.masked_indices) > 1 else ''} }} {labels}"
        )
    else:
        sub = " + ".join(
            f"({_latex_num(w)})({_latex_num(v)})" for w, v in zip(e.weights, e.values)
        )
        rows.append(f"&= {sub}")
        rows.append(f"&= {_latex_num(e.result, exact=True)}")
    return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"

# ---------------------------------------------------------------- dict
def as_dict(e: "Explanation") -> dict[str, Any]:
    """A JSON-safe dict of every field (see :meth:`Explanation.to_dict`)."""
    return {
        "index": list(e.index) if isinstance(e.index, tuple) else int(e.index),
        "axis": e.axis,
        "order": e.order,
        "offsets": [int(o) for o in e.offsets],
        "indices": [int(j) for j in e.indices],
        "coordinates": [_json_num(v) for v in e.coordinates],
        "steps": {k: _json_num(v) for k, v in e.steps.items()},
        "weights": [_json_num(v) for v in e.weights],
        "values": [_json_num(v) for v in e.values],
        "terms": [_json_num(v) for v in e.terms],
        "result": _json_num(e.result),
        "scheme": e.scheme,
        "kind": e.kind,
        "accuracy": e.accuracy,
        "uniform": e.uniform,
        "boundary": e._detail.boundary,
        "formula": e.formula,
        "formula_latex": e.formula_latex,
        "weight_formulas": list(e.weight_formulas),
        "dtype": e.dtype,
        "masked": e.masked,
        "masked_indices": [int(j) for j in e.masked_indices],
        **({"note": _masked_line(e)} if e.masked else {}),
    }

# ---------------------------------------------------------------- plot
