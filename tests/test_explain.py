"""gradkit.explain: the explanation is the computation, and its renderings are right.

Oracles: torch.gradient and numpy.gradient, exact rational arithmetic
(weights of the interpolating polynomial solved in Fractions), analytic
derivatives of polynomials, and sympy for reading the printed formulas back.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import zlib
from fractions import Fraction

import numpy as np
import pytest
import torch

import gradkit
from gradkit import Explanation, explain

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

X = [-2.0, -1.0, 1.0, 4.0]
F = [4.0, 1.0, 1.0, 16.0]


# ---------------------------------------------------------------------------
# Independent oracle: weights of the interpolating polynomial, in Fractions
# ---------------------------------------------------------------------------
def exact_weights(points, order, at):
    """Solve sum_k w_k (p_k - at)^j = j! [j == order] for j < len(points), exactly."""
    p = [Fraction(v) - Fraction(at) for v in points]
    m = len(p)
    a = [[q**j for q in p] + [Fraction(math.factorial(order)) if j == order else Fraction(0)] for j in range(m)]
    for c in range(m):  # Gauss-Jordan
        r = next(r for r in range(c, m) if a[r][c] != 0)
        a[c], a[r] = a[r], a[c]
        a[c] = [v / a[c][c] for v in a[c]]
        for r in range(m):
            if r != c and a[r][c] != 0:
                a[r] = [vr - a[r][c] * vc for vr, vc in zip(a[r], a[c])]
    return [a[k][m] for k in range(m)]


def reference(f, index, axis, order, **kw):
    """What the computation returns at index (gradient for order 1, else derivative)."""
    if order == 1:
        out = gradkit.gradient(f, dim=axis, **kw)[0]
    else:
        out = gradkit.derivative(f, order, axis=axis, **kw)
    el = out[index]
    return el.item()


# ---------------------------------------------------------------------------
# The seed example
# ---------------------------------------------------------------------------
def test_seed_index_1_fields():
    e = explain(np.array(F), 1, spacing=np.array(X))
    assert isinstance(e, Explanation)
    assert e.index == 1 and e.axis == 0 and e.order == 1
    assert e.offsets == (-1, 0, 1)
    assert e.indices == (0, 1, 2)
    assert e.coordinates.tolist() == [-2.0, -1.0, 1.0]
    assert e.steps == {"hl": 1.0, "hr": 2.0}
    assert e.values.tolist() == [4.0, 1.0, 1.0]
    # hand-derived: -hr/(hl(hl+hr)), (hr-hl)/(hl hr), hl/(hr(hl+hr)) with hl=1, hr=2
    np.testing.assert_allclose(e.weights, [-2 / 3, 1 / 2, 1 / 6], rtol=1e-15)
    np.testing.assert_allclose(e.terms, [-8 / 3, 1 / 2, 1 / 6], rtol=1e-15)
    assert e.result == pytest.approx(-2.0, rel=1e-15)
    assert e.scheme == "central, 2nd-order accurate, non-uniform grid"
    assert e.kind == "central" and e.accuracy == 2 and not e.uniform
    assert "hl²" in e.formula and "hr²" in e.formula and "(hl + hr)" in e.formula


def test_seed_every_index_matches_torch():
    (g,) = torch.gradient(torch.tensor(F), spacing=(torch.tensor(X),))
    for i in range(4):
        e = explain(F, i, spacing=X)
        assert e.result == pytest.approx(g[i].item(), rel=1e-14)
    assert explain(F, 0, spacing=X).scheme == "one-sided forward, 1st-order accurate (edge), non-uniform grid"
    assert explain(F, 3, spacing=X).scheme == "one-sided backward, 1st-order accurate (edge), non-uniform grid"
    assert explain(F, 0, spacing=X).offsets == (0, 1)
    assert explain(F, 3, spacing=X).offsets == (-1, 0)
    assert explain(F, -1, spacing=X).index == 3


def test_seed_text_is_a_derivation():
    text = str(explain(F, 1, spacing=X))
    assert text.startswith("f'(x[1]) ≈ -2: the first derivative at index 1, from 3 samples")
    assert "hl = x[1] - x[0] = -1 - (-2) = 1" in text
    assert "hr = x[2] - x[1] = 1 - (-1) = 2" in text
    assert "(hl² f[i+1] - hr² f[i-1] + (hr² - hl²) f[i]) / (hl hr (hl + hr))" in text
    assert "(1²·1 - 2²·4 + (2² - 1²)·1) / (1·2·3)" in text
    assert "= -12 / 6" in text
    assert "w[-1] = -hr/(hl (hl + hr)) = -2/(1·3) = -0.666667" in text
    assert "Result: " in text and "gradkit.gradient" in text
    assert "parabola" in text and "slope" in text  # the one line on why it works
    assert "f(x_i - hl) and f(x_i + hr)" in text


def test_edge_text_says_one_sided():
    text = str(explain(F, 3, spacing=X))
    assert "(f[i] - f[i-1]) / hl" in text
    assert "one-sided" in text and "line" in text


# ---------------------------------------------------------------------------
# The result is the computation's result, at every index of random calls
# ---------------------------------------------------------------------------
CONFIGS = [
    # (accuracy, edge_order, order)
    (2, None, 1), (2, 1, 1), (2, 2, 1), (4, None, 1), (4, 4, 1), (6, None, 1), (6, 2, 1),
    (2, None, 2), (2, 1, 2), (4, None, 2), (4, 2, 2), (6, 4, 2),
]


def _random_case(rng, lib, grid, boundary, n, ndim):
    shape = [int(rng.integers(1, 3)) for _ in range(ndim)]
    axis = int(rng.integers(0, ndim))
    shape[axis] = n
    f = rng.normal(size=shape)
    x = np.cumsum(rng.uniform(0.1, 1.5, n)) - rng.uniform(0, 3) if grid == "coords" else None
    kw = {}
    if grid == "coords":
        kw["spacing"] = (torch.tensor(x) if lib == "torch" else x,)
    else:
        kw["spacing"] = float(rng.choice([0.5, 1.0, 0.3, -2.0]))
    if boundary == "periodic":
        kw["boundary"] = "periodic"
        if grid == "coords":
            kw["period"] = float(x[-1] - x[0] + rng.uniform(0.1, 1.5))
    if lib == "torch":
        f = torch.tensor(f)
    return f, axis, kw


@pytest.mark.parametrize("lib", ["numpy", "torch"])
@pytest.mark.parametrize("grid", ["uniform", "coords"])
@pytest.mark.parametrize("boundary", ["one-sided", "periodic"])
def test_every_index_is_exactly_the_computation(lib, grid, boundary):
    rng = np.random.default_rng(zlib.crc32(f"{lib}-{grid}-{boundary}".encode()))
    checked = 0
    for (accuracy, edge_order, order), ndim in itertools.product(CONFIGS, (1, 2)):
        n = int(rng.integers(9, 14))
        f, axis, kw = _random_case(rng, lib, grid, boundary, n, ndim)
        kw.update(accuracy=accuracy)
        if boundary != "periodic":  # a periodic axis has no edges (edge_order is refused there)
            kw.update(edge_order=edge_order)
        shape = tuple(f.shape)
        rest = [int(rng.integers(0, s)) for s in shape]
        for i in range(n):
            idx = list(rest)
            idx[axis] = i
            index = idx[0] if ndim == 1 else tuple(idx)
            e = explain(f, index, axis=axis, order=order, **kw)
            expected = reference(f, tuple(idx), axis, order, **kw)
            assert e.result == expected, (accuracy, edge_order, order, index)
            total = float(np.sum(e.weights * e.values))
            scale = float(np.sum(np.abs(e.terms))) + 1e-300
            assert abs(total - expected) <= 1e-12 * scale, (total, expected)
            assert e.index == index
            checked += 1
    assert checked > 150


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.complex128, torch.int64])
def test_torch_dtypes_exact(dtype):
    rng = np.random.default_rng(7)
    x = np.cumsum(rng.uniform(0.2, 1.0, 9))
    f = torch.tensor(rng.normal(size=9) * 10).to(dtype) if dtype != torch.complex128 else torch.tensor(
        rng.normal(size=9) + 1j * rng.normal(size=9)
    )
    (g,) = gradkit.gradient(f, spacing=(torch.tensor(x),))
    tol = 1e-5 if dtype in (torch.float32, torch.int64) else 1e-12
    for i in range(9):
        e = explain(f, i, spacing=(torch.tensor(x),))
        assert e.result == g[i].item()
        assert e.dtype == str(g.dtype)
        total = complex(np.sum(e.weights * e.values))
        assert abs(total - complex(g[i].item())) <= tol * float(np.sum(np.abs(e.terms)))


def test_numpy_float32_and_integers_exact():
    f32 = np.linspace(0, 3, 8, dtype=np.float32) ** 3
    (g,) = gradkit.gradient(f32, spacing=0.25, accuracy=4)
    for i in range(8):
        assert explain(f32, i, spacing=0.25, accuracy=4).result == g[i].item()
    fi = np.array([1, 2, 4, 8, 16, 32])
    (gi,) = gradkit.gradient(fi)
    assert [explain(fi, i).result for i in range(6)] == gi.tolist()


def test_order_zero_is_the_sample():
    f = np.array([3.0, -1.0, 2.5])
    for i in range(3):
        e = explain(f, i, order=0)
        assert e.result == f[i] and e.offsets == (0,) and e.weights.tolist() == [1.0]


def test_agrees_with_numpy_and_torch_oracles():
    rng = np.random.default_rng(3)
    x = np.sort(rng.uniform(-5, 5, 12))
    f = np.cos(x)
    for edge_order in (1, 2):
        ref_np = np.gradient(f, x, edge_order=edge_order)
        (ref_t,) = torch.gradient(torch.tensor(f), spacing=(torch.tensor(x),), edge_order=edge_order)
        for i in range(12):
            r = explain(f, i, spacing=x, edge_order=edge_order).result
            assert r == pytest.approx(ref_np[i], rel=1e-11, abs=1e-12)
            assert r == pytest.approx(ref_t[i].item(), rel=1e-11, abs=1e-12)


# ---------------------------------------------------------------------------
# Offsets and weights against exact rational arithmetic
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("order,accuracy,edge_order", [(1, 2, 1), (1, 2, 2), (1, 4, 4), (2, 2, 2), (2, 4, 3), (3, 2, 2)])
def test_weights_are_the_interpolating_polynomial(order, accuracy, edge_order):
    xs = [Fraction(v) for v in (0, 1, 3, 4, 7, 8, 10, 13, 14, 17)]
    x = np.array([float(v) for v in xs])
    f = np.zeros(len(x))
    for i in range(len(x)):
        e = explain(f, i, spacing=x, order=order, accuracy=accuracy, edge_order=edge_order)
        pts = [xs[i + o] for o in e.offsets]
        w = exact_weights(pts, order, xs[i])
        np.testing.assert_allclose(e.weights, [float(v) for v in w], rtol=1e-11, atol=1e-13)
        np.testing.assert_array_equal(e.coordinates, [float(p) for p in pts])


@pytest.mark.parametrize("accuracy", [2, 4, 6])
def test_polynomials_are_differentiated_exactly(accuracy):
    """A stencil of accuracy p is exact for polynomials of degree p (analytic oracle)."""
    x = np.array([0.0, 0.4, 1.0, 1.3, 2.0, 2.2, 3.1, 3.5, 4.0, 4.9, 5.2])
    f = (x - 1.7) ** accuracy
    df = accuracy * (x - 1.7) ** (accuracy - 1)
    for i in range(len(x)):
        e = explain(f, i, spacing=x, accuracy=accuracy, edge_order=accuracy)
        assert e.result == pytest.approx(df[i], rel=1e-8, abs=1e-8)


def test_uniform_weights_exact_fractions():
    e = explain(np.arange(10.0), 5, spacing=0.5, accuracy=4)
    assert e.offsets == (-2, -1, 1, 2)  # the zero centre weight is not used
    np.testing.assert_array_equal(e.weights, np.array([1 / 12, -2 / 3, 2 / 3, -1 / 12]) / 0.5)
    assert e.steps == {"h": 0.5}
    assert e.formula == "f'(x_i) ≈ (f[i-2] - 8f[i-1] + 8f[i+1] - f[i+2]) / (12h)"
    e2 = explain(np.arange(10.0) ** 2, 5, order=2)
    assert e2.formula == "f''(x_i) ≈ (f[i-1] - 2f[i] + f[i+1]) / h²"
    assert e2.weight_formulas == ("1/h²", "-2/h²", "1/h²")


# ---------------------------------------------------------------------------
# Periodic axes: wrapped indices, unwrapped coordinates
# ---------------------------------------------------------------------------
def test_periodic_wraps():
    x = np.array([0.0, 1.0, 2.5, 4.0, 5.0])
    f = np.sin(2 * np.pi * x / 6.0)
    e = explain(f, 0, spacing=x, boundary="periodic", period=6.0)
    assert e.indices == (4, 0, 1)
    assert e.coordinates.tolist() == [-1.0, 0.0, 1.0]
    assert e.steps == {"hl": 1.0, "hr": 1.0}
    assert e.scheme.startswith("periodic, 2nd-order accurate, non-uniform grid")
    assert "wraps" in e.scheme
    (g,) = gradkit.gradient(f, spacing=(x,), boundary="periodic", period=6.0)
    assert e.result == g[0].item()
    assert "(x[4] - P)" in str(e)
    u = explain(np.arange(6.0), 5, spacing=2.0, boundary="periodic", accuracy=4)
    assert u.indices == (3, 4, 0, 1)
    assert u.coordinates.tolist() == [6.0, 8.0, 12.0, 14.0]


# ---------------------------------------------------------------------------
# Defaults and argument handling
# ---------------------------------------------------------------------------
def test_default_edge_order_follows_the_explained_function():
    f = np.arange(12.0) ** 3
    # order 1: gradient's rule (1 at accuracy 2, else accuracy)
    assert len(explain(f, 0).offsets) == 2
    assert len(explain(f, 0, accuracy=4).offsets) == 5
    # order 2: derivative's rule (edge_order = accuracy): order + accuracy points
    assert len(explain(f, 0, order=2).offsets) == 4
    assert explain(f, 0, order=2).result == gradkit.derivative(f, 2)[0]


def test_dim_alias_and_nd_index():
    f = np.arange(24.0).reshape(2, 3, 4) ** 2
    a = explain(f, (1, 2, 3), axis=2)
    b = explain(f, (1, 2, 3), dim=-1)
    assert a.result == b.result == gradkit.gradient(f, dim=2)[0][1, 2, 3]
    assert a.index == (1, 2, 3) and a.axis == 2
    e = explain(f, (-1, 0, 0), axis=0)
    assert e.index == (1, 0, 0)


@pytest.mark.parametrize(
    "call,exc,match",
    [
        (lambda: explain([1.0, 2, 3], 3), IndexError, r"index 3 is out of range.*\[-3, 2\]"),
        (lambda: explain([1.0, 2, 3], -4), IndexError, "out of range"),
        (lambda: explain(np.zeros((3, 4)), (1, 2, 3), axis=0), ValueError, "3 entries.*2-D"),
        (lambda: explain(np.zeros((3, 4)), 1, axis=0), TypeError, "tuple of 2 integers"),
        (lambda: explain(np.zeros((3, 4)), (1, 2)), TypeError, "pass axis="),
        (lambda: explain(np.zeros((3, 4)), (1, 5), axis=0), IndexError, r"entry 1.*dim 1 has 4"),
        (lambda: explain([1.0, 2, 3], 1.0), TypeError, "index must be an integer"),
        (lambda: explain([1.0, 2, 3], 1, axis=(0,)), TypeError, "one integer"),
        (lambda: explain([1.0, 2, 3], 1, axis=0, dim=0), TypeError, "not both"),
        (lambda: explain([1.0, 2, 3], 1, order=[1]), TypeError, "order must be one integer"),
        (lambda: explain(5.0, 0), ValueError, "0-dimensional"),
        (lambda: explain([1.0], 0), ValueError, "needs at least 2 samples"),
    ],
)
def test_bad_arguments(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


@pytest.mark.parametrize(
    "kw",
    [
        dict(spacing=(np.array([0.0, 1.0, 2.0]),)),
        dict(accuracy=0),
        dict(boundary="reflect"),
        dict(edge_order=0),
        dict(spacing=0.0),
        dict(spacing=(np.array([0.0, 1.0, 1.0, 2.0]),)),
    ],
)
def test_errors_are_the_arguments_layers(kw):
    """explain fails exactly like gradient (same layer, same message, own name)."""
    f = np.arange(4.0)
    with pytest.raises(Exception) as ours:
        explain(f, 1, **kw)
    with pytest.raises(Exception) as theirs:
        gradkit.gradient(f, **kw)
    assert type(ours.value) is type(theirs.value)
    assert str(ours.value).replace("explain:", "gradient:") == str(theirs.value)


def test_plain_list_spacing_means_coordinates():
    assert explain(F, 1, spacing=X).result == explain(F, 1, spacing=(np.array(X),)).result


# ---------------------------------------------------------------------------
# Renderings
# ---------------------------------------------------------------------------
sympy = pytest.importorskip("sympy")
from sympy.parsing.sympy_parser import (  # noqa: E402
    implicit_multiplication_application,
    parse_expr,
    standard_transformations,
)

_TRANSFORMS = standard_transformations + (implicit_multiplication_application,)


def _sympy_value(text, e):
    """Read a printed formula back and evaluate it with the explanation's steps and samples."""
    rhs = text.split("≈", 1)[-1]
    rhs = rhs.replace("²", "**2").replace("·", "*")
    names = {}
    for o, v in zip(e.offsets, e.values):
        label = "f[i]" if o == 0 else f"f[i{o:+d}]"
        sym = f"f_{'m' if o < 0 else 'p'}{abs(o)}"
        rhs = rhs.replace(label, f" {sym} ")
        names[sym] = float(v)
    names.update({k: float(v) for k, v in e.steps.items()})
    expr = parse_expr(rhs, transformations=_TRANSFORMS, local_dict={k: sympy.Symbol(k) for k in names})
    return float(expr.subs({sympy.Symbol(k): v for k, v in names.items()}))


@pytest.mark.parametrize(
    "kw,index",
    [
        (dict(), 1), (dict(), 0), (dict(), 3), (dict(edge_order=2), 0), (dict(edge_order=2), 3),
        (dict(order=2), 2), (dict(order=2, accuracy=1), 1),
    ],
)
def test_printed_formulas_evaluate_to_the_result(kw, index):
    x = np.array([-2.0, -1.0, 1.0, 4.0, 4.5, 6.0])
    f = np.sin(x) + x**2
    e = explain(f, index, spacing=x, **kw)
    if "Fornberg" in e.formula:  # no closed form: the weights are printed as numbers
        assert [float(w) for w in e.weight_formulas] == pytest.approx(e.weights.tolist(), rel=1e-5)
        return
    assert _sympy_value(e.formula, e) == pytest.approx(e.result, rel=1e-12)
    for form, w in zip(e.weight_formulas, e.weights):
        assert _sympy_value(form, e) == pytest.approx(w, rel=1e-12)


def test_uniform_formula_evaluates_to_the_result():
    f = np.exp(np.linspace(0, 1, 9))
    for kw in (dict(accuracy=4), dict(order=2), dict(accuracy=6, order=2)):
        for i in (0, 1, 4, 8):
            e = explain(f, i, spacing=0.125, **kw)
            assert _sympy_value(e.formula, e) == pytest.approx(e.result, rel=1e-11)


def test_markdown():
    e = explain(F, 1, spacing=X)
    md = e.to_markdown()
    assert md == e._repr_markdown_()
    lines = md.splitlines()
    assert lines[0] == "**f'(x[1]) ≈ -2** — central, 2nd-order accurate, non-uniform grid"
    assert "| offset | index | x | f | weight | weight × f |" in lines
    assert "| -1 | 0 | -2 | 4 | -0.666667 | -2.66667 |" in lines
    assert any(line.startswith("$$") and "\\frac" in line and line.endswith("$$") for line in lines)
    assert "**-2**" in md or "**-1.9999999999999998**" in md


def _balanced(tex):
    depth = 0
    for ch in tex.replace("\\{", "").replace("\\}", ""):
        depth += (ch == "{") - (ch == "}")
        if depth < 0:
            return False
    return depth == 0


@pytest.mark.parametrize("kw,index", [(dict(spacing=X), 1), (dict(spacing=X), 0), (dict(spacing=0.5, accuracy=4), 2),
                                      (dict(spacing=X, order=2, edge_order=1), 1), (dict(spacing=2j), 1)])
def test_latex(kw, index):
    f = F if kw.get("accuracy", 2) == 2 else np.arange(8.0) ** 3
    tex = explain(f, index, **kw).to_latex()
    assert tex.startswith("\\begin{aligned}") and tex.endswith("\\end{aligned}")
    assert _balanced(tex)
    assert "\\approx" in tex
    if kw == dict(spacing=X) and index == 1:
        assert "h_l &= 1" in tex and "h_r &= 2" in tex
        assert "\\frac{h_l^2 f_{i+1} - h_r^2 f_{i-1} + (h_r^2 - h_l^2) f_i}{h_l h_r (h_l + h_r)}" in tex


def test_latex_renders_with_mathtext():
    """Each formula line is valid math for matplotlib's TeX parser."""
    from matplotlib.mathtext import MathTextParser

    parser = MathTextParser("agg")
    for index in range(4):
        e = explain(F, index, spacing=X)
        parser.parse("$" + e.formula_latex + "$")


def test_to_dict_is_json():
    e = explain(F, 1, spacing=X)
    d = json.loads(json.dumps(e.to_dict(), allow_nan=False))
    assert d["offsets"] == [-1, 0, 1]
    assert d["values"] == [4.0, 1.0, 1.0]
    assert d["steps"] == {"hl": 1.0, "hr": 2.0}
    assert d["result"] == e.result
    assert d["weights"] == e.weights.tolist()
    assert d["scheme"] == e.scheme and d["formula"] == e.formula
    nd = explain(np.ones((2, 3)), (1, 2), axis=1).to_dict()
    assert nd["index"] == [1, 2]


def test_to_dict_complex_and_nonfinite():
    c = explain(np.array([1.0, 2.0, 4.0]), 1, spacing=1j).to_dict()
    json.dumps(c, allow_nan=False)
    assert c["result"] == [0.0, -1.5]  # (4 - 1) / (2 * 1j)
    assert c["steps"] == {"h": [0.0, 1.0]}
    z = explain(np.array([1.0, np.nan, np.inf, 2.0]), 2).to_dict()
    json.dumps(z, allow_nan=False)
    assert z["values"] == ["NaN", 2.0]
    assert z["result"] == "NaN"


def test_repr_is_short():
    r = repr(explain(F, 1, spacing=X))
    assert r.startswith("Explanation(index=1") and "\n" not in r


# ---------------------------------------------------------------------------
# Plot
# ---------------------------------------------------------------------------
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_plot_png(tmp_path):
    import matplotlib.image as mpimg
    import matplotlib.pyplot as plt

    e = explain(F, 1, spacing=X)
    ax = e.plot()
    assert ax.get_title().startswith("f'(x[1]) ≈ -2")
    labels = [t.get_text() for t in ax.texts]
    assert "hl = 1" in labels and "hr = 2" in labels
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("parabola" in t for t in legend) and any("tangent" in t for t in legend)
    # the tangent line has the result as its slope and passes through (x[1], f[1])
    tangent = next(line for line in ax.get_lines() if line.get_label().startswith("tangent"))
    tx, ty = tangent.get_data()
    assert (ty[1] - ty[0]) / (tx[1] - tx[0]) == pytest.approx(-2.0)
    assert np.interp(-1.0, tx, ty) == pytest.approx(1.0)
    # the polynomial passes through the samples used, and it is x**2 here
    curve = next(line for line in ax.get_lines() if "parabola" in line.get_label())
    cx, cy = curve.get_data()
    np.testing.assert_allclose(cy, cx**2, atol=1e-12)
    path = tmp_path / "seed.png"
    ax.figure.savefig(path, dpi=80)
    plt.close(ax.figure)
    assert path.read_bytes()[:8] == PNG_SIGNATURE
    img = mpimg.imread(path)
    assert img.ndim == 3 and img.shape[2] in (3, 4)
    assert 250 < img.shape[0] < 1000 and 400 < img.shape[1] < 1200
    assert img.std() > 0.05  # not blank


@pytest.mark.parametrize(
    "kw,index",
    [
        (dict(spacing=X, order=2, edge_order=1), 1),
        (dict(spacing=0.5, accuracy=4), 0),
        (dict(spacing=0.5, accuracy=4), 4),
        (dict(spacing=X, boundary="periodic", period=7.0), 0),
        (dict(spacing=X, edge_order=2), 3),
    ],
)
def test_plot_other_cases(kw, index):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    f = F if len(np.atleast_1d(kw["spacing"])) == 4 else np.cos(np.arange(9.0))
    e = explain(f, index, **kw)
    assert e.plot(ax=ax) is ax
    # the drawn polynomial's derivative at the point is the result
    curve = next(line for line in ax.get_lines() if "through the stencil" in line.get_label())
    cx, cy = curve.get_data()
    coeffs = np.polyfit(cx - e._detail.coordinate_at_point, cy, len(e._detail.interp_offsets) - 1)
    deriv = math.factorial(e.order) * coeffs[-1 - e.order]
    assert deriv == pytest.approx(e.result, rel=1e-6, abs=1e-6)
    plt.close(fig)


def test_plot_refuses_complex():
    with pytest.raises(ValueError, match="complex"):
        explain(F, 1, spacing=1j).plot()


def test_matplotlib_is_not_imported_by_explain():
    import subprocess
    import sys

    code = (
        "import sys, gradkit; e = gradkit.explain([4., 1., 1., 16.], 1, spacing=[-2., -1., 1., 4.]); "
        "str(e); e.to_markdown(); e.to_latex(); e.to_dict(); print('matplotlib' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_docs_figure_exists_and_is_a_png():
    """docs/img/seed_explain.png is generated by docs/tools/make_figures.py and embedded in the docs."""
    from pathlib import Path

    import matplotlib.image as mpimg

    root = Path(__file__).resolve().parent.parent
    png = root / "docs" / "img" / "seed_explain.png"
    if not png.exists():
        pytest.skip("docs are not part of this checkout")
    assert png.read_bytes()[:8] == PNG_SIGNATURE
    h, w = mpimg.imread(png).shape[:2]
    assert 400 < h < 2000 and 600 < w < 3000
    assert "img/seed_explain.png" in (root / "docs" / "how-it-works.md").read_text(encoding="utf-8")
    assert re.search(r"make_figures\.py", (root / "docs" / "how-it-works.md").read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------
# Tensors that require grad; JAX tracers (issue 10, item 2a)
# ---------------------------------------------------------------------------
def test_torch_tensor_that_requires_grad_is_explained():
    """Its values are readable: explain them (it is not a tracer)."""
    f = torch.tensor(F, dtype=torch.float64, requires_grad=True)
    x = torch.tensor(X, dtype=torch.float64, requires_grad=True)
    expected = torch.gradient(f.detach(), spacing=(x.detach(),))[0]
    for i in range(4):
        e = explain(f, i, spacing=x)
        assert e.result == expected[i].item()
        assert isinstance(e.result, float)
        assert not isinstance(e.values, torch.Tensor) and e.values.tolist() == [F[j] for j in e.indices]
    e2 = explain(f * 2, 2, order=2)  # a non-leaf tensor with a graph
    assert e2.result == pytest.approx(2 * (F[1] - 2 * F[2] + F[3]))
    assert f.grad is None and x.grad is None  # explaining runs no backward and keeps no graph


def test_jax_tracers_are_refused():
    jax = pytest.importorskip("jax")
    jnp = jax.numpy
    xs = jnp.asarray(X)
    with pytest.raises(TypeError, match="f is being traced"):
        jax.jit(lambda f: explain(f, 1).result)(jnp.asarray(F))
    with pytest.raises(TypeError, match="f is being traced"):
        jax.grad(lambda f: explain(f, 1).result)(jnp.asarray(F))
    with pytest.raises(TypeError, match="spacing is being traced"):
        jax.jit(lambda x: explain(np.array(F), 1, spacing=x).result)(xs)
    with pytest.raises(TypeError, match="spacing is being traced"):
        jax.jit(lambda x: explain(np.array(F), 1, spacing=(x,)).result)(xs)
    assert explain(jnp.asarray(F), 1, spacing=xs).result == pytest.approx(-2.0)  # concrete: fine


# ---------------------------------------------------------------------------
# Masked arrays (issue 10, item 2b): numpy's rule, an output is masked when a
# sample its stencil uses is masked.
# ---------------------------------------------------------------------------
MASKED_F = np.ma.array([1.0, 2.0, 4.0, 8.0, 16.0], mask=[0, 0, 1, 0, 0])


def _check_masked_renderings(e, labels):
    assert e.masked and e.result is np.ma.masked
    text = str(e)
    md = e.to_markdown()
    tex = e.to_latex()
    d = json.loads(json.dumps(e.to_dict(), allow_nan=False))
    for rendering in (text, md, d["note"]):
        line = next(ln for ln in rendering.splitlines() if ln.startswith("Masked:"))
        for lab in labels:
            assert lab in line
    assert "masked" in text.splitlines()[0] and "masked" in md.splitlines()[0]
    assert "\\text{masked" in tex
    assert d["masked"] is True and d["result"] is None
    assert d["masked_indices"] == list(e.masked_indices)
    assert [v is None for v in d["values"]] == [j in e.masked_indices for j in e.indices]
    assert "Substituted" not in text  # no arithmetic on a value that is not there
    ax = e.plot()
    assert "masked" in ax.get_title()
    import matplotlib.pyplot as plt

    plt.close(ax.figure)


@pytest.mark.parametrize(
    "kw, np_kw",
    [
        ({}, {}),
        ({"edge_order": 2}, {"edge_order": 2}),
        ({"spacing": [0.0, 1.0, 3.0, 4.0, 6.0]}, {"varargs": ([0.0, 1.0, 3.0, 4.0, 6.0],)}),
        ({"spacing": [0.0, 1.0, 3.0, 4.0, 6.0], "edge_order": 2},
         {"varargs": ([0.0, 1.0, 3.0, 4.0, 6.0],), "edge_order": 2}),
        ({"spacing": 0.5}, {"varargs": (0.5,)}),
    ],
)
def test_masked_array_follows_numpy(kw, np_kw):
    """numpy.gradient of the masked array is the oracle, mask and values."""
    expected = np.gradient(MASKED_F, *np_kw.get("varargs", ()), edge_order=np_kw.get("edge_order", 1))
    assert np.ma.getmaskarray(expected).any()
    for i in range(5):
        e = explain(MASKED_F, i, **kw)
        assert e.masked == bool(np.ma.getmaskarray(expected)[i]), i
        if e.masked:
            assert e.masked_indices == (2,)
            _check_masked_renderings(e, ["f[2]"])
        else:
            assert e.result == pytest.approx(float(expected[i]), rel=1e-14, abs=1e-14)
            assert not e.masked_indices and "Masked:" not in str(e)
            assert e.to_dict()["masked"] is False


@pytest.mark.parametrize("boundary", ["one-sided", "periodic"])
@pytest.mark.parametrize("grid", ["uniform", "coords"])
@pytest.mark.parametrize("order, accuracy", [(1, 2), (1, 4), (2, 2), (3, 2)])
def test_masked_iff_the_stencil_uses_a_masked_sample(boundary, grid, order, accuracy):
    rng = np.random.default_rng(order * 10 + accuracy)
    n = 14
    x = np.cumsum(rng.uniform(0.5, 1.5, n)) if grid == "coords" else np.arange(n) * 0.25
    data = np.sin(x) + x
    mask = np.zeros(n, bool)
    mask[[3, 9, 10]] = True
    m = np.ma.array(data, mask=mask)
    kw = dict(spacing=x if grid == "coords" else 0.25, order=order, accuracy=accuracy, boundary=boundary)
    if boundary == "periodic" and grid == "coords":
        kw["period"] = x[-1] - x[0] + 1.0
    for i in range(n):
        plain = explain(data, i, **kw)  # the stencil, without the mask
        used = sorted({j for j in plain.indices if mask[j]})
        e = explain(m, i, **kw)
        assert e.offsets == plain.offsets and e.indices == plain.indices
        assert list(e.masked_indices) == used
        if used:
            _check_masked_renderings(e, [f"f[{j}]" for j in used])
            assert list(np.ma.getmaskarray(e.values)) == [bool(mask[j]) for j in e.indices]
        else:
            assert not e.masked and e.result == plain.result


def test_masked_nd_and_all_points():
    from gradkit.explain import _explain_all

    data = np.arange(12.0).reshape(3, 4) ** 2
    m = np.ma.array(data, mask=np.eye(3, 4, dtype=bool))
    for axis in (0, 1):
        expected = np.gradient(m, axis=axis)
        for idx in np.ndindex(3, 4):
            e = explain(m, idx, axis=axis)
            assert e.masked == bool(np.ma.getmaskarray(expected)[idx]), (axis, idx)
            if not e.masked:
                assert e.result == expected[idx]
    e = explain(m, (1, 2), axis=1)
    assert e.masked_indices == (1,) and "the stencil uses the masked sample f[1, 1]" in str(e)
    line = _explain_all(MASKED_F)
    assert [x.masked for x in line] == list(np.ma.getmaskarray(np.gradient(MASKED_F)))
    # Nothing masked: an ordinary explanation.
    e = explain(np.ma.array([1.0, 2.0, 4.0]), 1)
    assert not e.masked and e.result == 1.5


def _exact_unit_weights_by_vandermonde(offsets, order):
    """Independent oracle: solve sum_j w_j o_j**k = k! [k == order] in rationals."""
    from fractions import Fraction

    m = len(offsets)
    rows = [[Fraction(o) ** k for o in offsets] + [Fraction(math.factorial(order) if k == order else 0)]
            for k in range(m)]
    for c in range(m):
        pivot = next(r for r in range(c, m) if rows[r][c] != 0)
        rows[c], rows[pivot] = rows[pivot], rows[c]
        rows[c] = [v / rows[c][c] for v in rows[c]]
        for r in range(m):
            if r != c and rows[r][c] != 0:
                rows[r] = [a - rows[r][c] * b for a, b in zip(rows[r], rows[c])]
    return [row[-1] for row in rows]


@pytest.mark.parametrize("order,accuracy,at", [(4, 8, 0), (4, 10, 0), (3, 10, 1), (1, 12, 0), (2, 6, 39)])
def test_explain_shows_the_exact_rational_weights_of_wide_edge_stencils(order, accuracy, at):
    """Wide one-sided stencils have denominators beyond 10^9 in lowest terms
    for some weights; the fractions shown are the exact weights (a float's
    nearest small fraction was shown before: 5785748618755/662888103 for
    47131699/5400)."""
    import re
    from fractions import Fraction

    f = np.sin(np.linspace(0, 1, 40))
    e = gradkit.explain(f, at, order=order, accuracy=accuracy, spacing=1.0)
    exact = _exact_unit_weights_by_vandermonde(e.offsets, order)
    shown = []
    for text in e.weight_formulas:
        m = re.fullmatch(r"(-?\d+)(?:/\((\d+)h.*\)|/h.*|h.*)?", text.replace(" ", ""))
        assert m, text
        shown.append(Fraction(int(m.group(1)), int(m.group(2) or 1)))
    assert shown == exact
