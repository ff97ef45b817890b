"""A fuzz case (one call, as source code) and the strategies that draw them."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from hypothesis import strategies as st

from . import strategies as S

CALLABLE = {
    "gradient": "gradkit.gradient",
    "derivative": "gradkit.derivative",
    "explain": "gradkit.explain",
    "weights": "gradkit.weights",
    "numpy_gradient": "numpy_gradient",
    "torch_gradient": "torch_gradient",
}


@dataclass(frozen=True)
class Case:
    func: str
    f: S.Data | None
    args: tuple = ()  # codes of the positional arguments after f
    kwargs: tuple = ()  # (name, code) pairs
    meta: tuple = ()  # extra facts for the checks (hashable)

    def call_src(self, callee: str | None = None) -> str:
        parts = (["f"] if self.f is not None else []) + list(self.args) + [f"{k}={v}" for k, v in self.kwargs]
        return f"{callee or CALLABLE[self.func]}({', '.join(parts)})"

    def repro(self) -> str:
        head = f"f = {self.f.code}\n" if self.f is not None else ""
        return head + self.call_src()

    def build(self) -> tuple[Any, list, dict]:
        f = S.build(self.f.code) if self.f is not None else None
        args = [S.build(a) for a in self.args]
        kwargs = {k: S.build(v) for k, v in self.kwargs}
        return f, args, kwargs

    def meta_get(self, key: str, default: Any = None) -> Any:
        return dict(self.meta).get(key, default)


NATIVE_LIBS = ["numpy"] * 8 + ["list", "torch", "torch", "torch", "masked", "matrix", "sub", "jax"]


@st.composite
def data_and_junk(draw, libs=NATIVE_LIBS, **kw) -> tuple[S.Data, bool]:
    """Half the draws are clean (numeric data, every argument in a valid form), half junk."""
    if draw(st.booleans()):
        return draw(S.data_arrays(libs=libs, dtypes=S.CLEAN_NUMPY_DTYPES, torch_dtypes=S.CLEAN_TORCH_DTYPES, **kw)), False
    return draw(S.data_arrays(libs=libs, **kw)), True


# ---------------------------------------------------------------------------
# Spacing and period, drawn together so that a valid period can be drawn
# ---------------------------------------------------------------------------
@st.composite
def _entry(draw, n: int, lib: str, junk: bool) -> tuple[str, Any]:
    """(code, info): info is ("step", value) or ("coords", values)."""
    if draw(st.integers(0, 2)) == 0:
        code = draw(S.any_step(lib, junk))
        try:
            v = S.build(code)
            v = complex(v.item() if hasattr(v, "item") else v)
            info = ("step", v)
        except Exception:
            info = ("junk", None)
        return code, info
    vals, kind = draw(S.coord_values(n, junk))
    code = draw(_coords_code(vals, kind, lib, junk))
    return code, ("coords", vals)


@st.composite
def _coords_code(draw, vals, kind, lib, junk):
    # Reuse strategies.coordinates' container logic on given values.
    forms = S.COORD_FORMS_TORCH if lib == "torch" else S.COORD_FORMS_NUMPY
    if not junk:
        forms = [f for f in forms if f in ("list", "f8", "t64", "t32", "tuple", "i8", "ti64", "range")]
    form = draw(st.sampled_from(forms))
    return S.render_coords(vals, kind, lib, form)


@st.composite
def _period_for(draw, info, n: int, junk: bool) -> str | None:
    """A period for one axis: mostly the right one, sometimes negative or junk."""
    k = draw(st.integers(0, 9))
    if junk and k == 0:
        return draw(st.sampled_from(S.PERIOD_JUNK))
    kind, v = info
    if kind == "coords" and v and len(v) >= 2 and all(math.isfinite(x) for x in v):
        span = abs(v[-1] - v[0])
        gap = abs(v[1] - v[0]) or 1.0
        p = span + gap * draw(st.sampled_from([1.0, 1.0, 0.5, 2.0]))
        if k == 1:
            p = -p  # a negative period
        elif k == 2:
            p = span  # not beyond the span
        return S.lit(p)
    if kind == "step" and v is not None and math.isfinite(abs(v)) and v != 0:
        if k <= 3:
            return None
        p = n * abs(v)
        if k == 4:
            p = -p
        elif k == 5:
            p = p * 1.5
        return S.lit(float(p))
    return None if k < 5 else S.lit(1.0)


@st.composite
def torch_style_spacing(draw, data: S.Data, axes: tuple, junk: bool, lib: str, want_period: bool):
    """(spacing code or None, period code or None) for a torch-style call."""
    shape = data.shape
    kinds = ["omit", "omit", "scalar", "seq", "seq", "seq"] + (["bare"] * 2 if len(axes) == 1 else [])
    if junk:
        kinds += ["None", "junk", "wrong_count"]
    kind = draw(st.sampled_from(kinds))
    infos = [("step", 1.0)] * len(axes)
    code = None
    if kind == "scalar":
        code, info = draw(_entry_step(lib, junk))
        infos = [info] * len(axes)
    elif kind in ("seq", "wrong_count"):
        entries = [draw(_entry(shape[a], lib, junk)) for a in axes]
        if kind == "wrong_count":
            if entries and draw(st.booleans()):
                entries = entries[:-1]
            else:
                entries = entries + [("1.0", ("step", 1.0))]
        infos = [e[1] for e in entries]
        wrap = draw(st.sampled_from(["tuple", "list"]))
        inner = ", ".join(e[0] for e in entries)
        code = f"({inner}{',' if len(entries) == 1 else ''})" if wrap == "tuple" else f"[{inner}]"
    elif kind == "bare":
        vals, ck = draw(S.coord_values(shape[axes[0]], junk))
        code = draw(_coords_code(vals, ck, lib, junk))
        infos = [("coords", vals)]
    elif kind == "None":
        code = "None"
    elif kind == "junk":
        code = draw(st.sampled_from(["'abc'", "{}", "np.ones((2, 2))", "object()", "[[1.0, 2.0], [3.0]]", "(None,)"]))
    period = None
    if want_period:
        ps = [draw(_period_for(info, shape[a] if a < len(shape) else 0, junk)) for info, a in zip(infos, axes)]
        if len(ps) == 1 or all(p == ps[0] for p in ps):
            period = ps[0] if ps else None
        else:
            period = "[" + ", ".join(p if p is not None else "None" for p in ps) + "]"
    return code, period


@st.composite
def out_code(draw, data: S.Data, count: int | None) -> str:
    """An ``out=`` argument: arrays of the data's shape (some strided), mostly float64."""
    shape = data.shape
    torch_lib = data.lib == "torch"
    def one():
        dt = draw(st.sampled_from(["float64"] * 4 + ["float32", "complex128", "int64"]))
        sh = shape if draw(st.integers(0, 7)) else tuple(s + 1 for s in shape)
        if torch_lib:
            return f"torch.empty({sh!r}, dtype=torch.{dt})"
        if sh and draw(st.booleans()):
            big = (2 * sh[0],) + tuple(sh[1:])
            return f"np.empty({big!r}, dtype='{dt}')[::2]"
        return f"np.empty({sh!r}, dtype='{dt}')"
    if count is None:
        return one()
    k = count if draw(st.integers(0, 7)) else count + 1
    parts = [one() for _ in range(k)]
    return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"


@st.composite
def _entry_step(draw, lib, junk):
    code = draw(S.any_step(lib, junk))
    try:
        v = S.build(code)
        v = complex(v.item() if hasattr(v, "item") else v)
        return code, ("step", v)
    except Exception:
        return code, ("junk", None)


# ---------------------------------------------------------------------------
# gradkit.gradient
# ---------------------------------------------------------------------------
@st.composite
def gradient_case(draw, numpy_shared: bool = False) -> Case:
    if numpy_shared:
        data = draw(S.data_arrays(libs=["numpy"], dtypes=["float64"] * 4 + ["float32", "int64"], min_ndim=1))
        junk = False
    else:
        data, junk = draw(data_and_junk())
    nd = len(data.shape)
    ax = draw(S.axes_arg(nd, junk))
    kwargs = []
    name = draw(st.sampled_from(["dim", "dim", "axis"]))
    if ax.code is not None:
        kwargs.append((name, ax.code))
        if junk and draw(st.integers(0, 19)) == 0:
            kwargs.append(("axis" if name == "dim" else "dim", ax.code))
    axes = tuple(a for a in ax.intended if a < nd)
    if numpy_shared:
        periodic = False
        boundary = None
    else:
        boundary = draw(S.boundary_arg(junk))
        periodic = boundary == "'periodic'"
    lib = "torch" if data.lib == "torch" else "numpy"
    spacing, period = draw(torch_style_spacing(data, axes, junk, lib, want_period=periodic or (junk and draw(st.integers(0, 9)) == 0)))
    if spacing is not None:
        kwargs.append(("spacing", spacing))
    if numpy_shared:
        eo = draw(st.sampled_from([None, "1", "2"]))
        acc = draw(st.sampled_from([None, "2"]))
    else:
        acc = draw(S.small_int_arg(1, 6, junk, allow_none=True))
        eo = draw(S.small_int_arg(1, 4, junk, allow_none=True))
    if acc is not None:
        kwargs.append(("accuracy", acc))
    if eo is not None:
        kwargs.append(("edge_order", eo))
    if boundary is not None:
        kwargs.append(("boundary", boundary))
    if period is not None:
        kwargs.append(("period", period))
    if not numpy_shared and data.lib in ("numpy", "torch") and draw(st.integers(0, 7)) == 0:
        kwargs.append(("out", draw(out_code(data, len(axes)))))
    return Case("gradient", data, (), tuple(kwargs))


# ---------------------------------------------------------------------------
# gradkit.derivative
# ---------------------------------------------------------------------------
@st.composite
def derivative_case(draw) -> Case:
    data, junk = draw(data_and_junk())
    nd = len(data.shape)
    kwargs = []
    args = []
    mixed = nd >= 2 and draw(st.integers(0, 4)) == 0
    if mixed:
        k = draw(st.integers(2, min(nd, 3)))
        axes = tuple(draw(st.permutations(range(nd)))[:k])
        orders = [draw(st.integers(0, 2)) for _ in axes]
        if junk and draw(st.integers(0, 3)) == 0:
            orders = orders[:-1]
        args.append(S.lit(tuple(orders)))
        kwargs.append((draw(st.sampled_from(["axis", "dim"])), S.lit(tuple(axes))))
    else:
        order = draw(S.small_int_arg(0, 4, junk, allow_none=True))
        if order is not None:
            if draw(st.booleans()):
                args.append(order)
            else:
                kwargs.append(("order", order))
        ax = draw(S.axes_arg(nd, junk, single=True))
        if ax.code is not None:
            kwargs.append((draw(st.sampled_from(["axis", "axis", "dim"])), ax.code))
            axes = tuple(a for a in ax.intended if a < nd)[:1]
        else:
            axes = (nd - 1,) if nd else ()
    boundary = draw(S.boundary_arg(junk))
    periodic = boundary == "'periodic'"
    lib = "torch" if data.lib == "torch" else "numpy"
    if mixed:
        spacing, period = draw(torch_style_spacing(data, axes, junk, lib, periodic))
    elif axes:
        n = data.shape[axes[0]]
        form = draw(st.sampled_from(["omit", "omit", "step", "coords", "coords", "one_tuple"]))
        spacing, info = None, ("step", 1.0)
        if form == "step":
            spacing, info = draw(_entry_step(lib, junk))
        elif form in ("coords", "one_tuple"):
            vals, ck = draw(S.coord_values(n, junk))
            spacing = draw(_coords_code(vals, ck, lib, junk))
            info = ("coords", vals)
            if form == "one_tuple":
                spacing = f"({spacing},)"
        period = draw(_period_for(info, n, junk)) if periodic else None
    else:
        spacing, period = None, None
    if spacing is not None:
        kwargs.append(("spacing", spacing))
    acc = draw(S.small_int_arg(1, 6, junk, allow_none=True))
    eo = draw(S.small_int_arg(1, 4, junk, allow_none=True))
    for k, v in (("accuracy", acc), ("edge_order", eo), ("boundary", boundary), ("period", period)):
        if v is not None:
            kwargs.append((k, v))
    if data.lib in ("numpy", "torch") and draw(st.integers(0, 7)) == 0:
        kwargs.append(("out", draw(out_code(data, None))))
    return Case("derivative", data, tuple(args), tuple(kwargs))


# ---------------------------------------------------------------------------
# Polynomials: exactness to rounding
# ---------------------------------------------------------------------------
@st.composite
def polynomial_case(draw, func: str) -> Case:
    """Data sampled from a polynomial of a degree the scheme must differentiate exactly.

    ``meta`` holds the coefficients per axis (f = sum_a p_a(x_a)) and the
    coordinates of each axis (as Fractions' string forms) for the check.
    """
    nd = draw(st.integers(1, 2))
    acc = draw(st.integers(1, 6))
    eo = draw(st.one_of(st.none(), st.integers(1, 5)))
    order = 1 if func == "gradient" else draw(st.integers(0, 3))
    if func == "gradient":
        eff_eo = (1 if acc == 2 else acc) if eo is None else eo
        degree = min(acc, eff_eo)
    else:
        eff_eo = acc if eo is None else eo
        degree = order + min(acc, eff_eo) - 1 if order else 0
    degree = max(degree, 0)
    width = max(order + max(acc, eff_eo) + 2, degree + 2)
    shape = tuple(draw(st.integers(width, width + 6)) for _ in range(nd)) if nd == 1 else (
        draw(st.integers(width, width + 3)), draw(st.integers(width, width + 2)))
    coords, codes = [], []
    for n in shape:
        kind = draw(st.sampled_from(["step", "ints", "dyadic", "shuffled", "uniform_coords"]))
        if kind == "step":
            h = draw(st.sampled_from([1, 2, 0.5, -1, 0.25]))
            xs = [Fraction(h) * k for k in range(n)]
            codes.append(S.lit(h))
        elif kind == "uniform_coords":
            h = draw(st.sampled_from([1, 2, -1]))
            c = draw(st.integers(-5, 5))
            xs = [Fraction(c + h * k) for k in range(n)]
            codes.append(f"np.array({S.lit([float(x) for x in xs])})")
        else:
            pool = st.integers(-20, 20) if kind != "dyadic" else st.integers(-80, 80)
            ks = sorted(draw(st.lists(pool, min_size=n, max_size=n, unique=True)))
            xs = [Fraction(k) if kind != "dyadic" else Fraction(k, 4) for k in ks]
            if kind == "shuffled":
                xs = list(draw(st.permutations(xs)))
            codes.append(f"np.array({S.lit([float(x) for x in xs])})")
        coords.append(xs)
    coeffs = [tuple(draw(st.integers(-4, 4)) for _ in range(degree + 1)) for _ in range(nd)]
    vals = []
    import itertools

    for idx in itertools.product(*[range(n) for n in shape]):
        v = sum(sum(c * coords[a][idx[a]] ** k for k, c in enumerate(coeffs[a])) for a in range(nd))
        vals.append(float(v))
    lib = draw(st.sampled_from(["numpy", "numpy", "numpy", "torch"]))
    body = S.lit(S.nested(vals, shape))
    code = f"np.array({body})" if lib == "numpy" else f"torch.tensor({body}, dtype=torch.float64)"
    data = S.Data(code, lib, "float64", shape)
    if lib == "torch":
        codes = [c if not c.startswith("np.array") else c.replace("np.array(", "torch.tensor(")[:-1] + ", dtype=torch.float64)" for c in codes]
    kwargs = [("accuracy", str(acc))]
    if eo is not None:
        kwargs.append(("edge_order", str(eo)))
    args = ()
    if func == "gradient":
        kwargs.append(("spacing", "(" + ", ".join(codes) + ",)"))
        axes = tuple(range(nd))
    else:
        a = draw(st.integers(0, nd - 1))
        axes = (a,)
        args = (str(order),)
        kwargs += [("axis", str(a)), ("spacing", codes[a])]
    meta = (
        ("coeffs", tuple(coeffs)),
        ("coords", tuple(tuple(str(x) for x in xs) for xs in coords)),
        ("order", order),
        ("axes", axes),
    )
    return Case(func, data, args, tuple(kwargs), meta)


# ---------------------------------------------------------------------------
# gradkit.explain
# ---------------------------------------------------------------------------
@st.composite
def explain_case(draw) -> Case:
    data, junk = draw(data_and_junk(libs=["numpy"] * 6 + ["list", "torch", "torch", "masked"], max_ndim=2))
    nd = len(data.shape)
    kwargs = []
    if nd >= 2 or (junk and draw(st.integers(0, 3)) == 0):
        ax = draw(S.axes_arg(nd, junk, allow_omit=nd <= 1, single=True))
        if ax.code is not None:
            kwargs.append((draw(st.sampled_from(["axis", "axis", "dim"])), ax.code))
        axis = (tuple(a for a in ax.intended if a < nd) or (0,))[0] if nd else 0
    else:
        axis = 0
    # The index: mostly valid.
    if nd == 0:
        index = draw(st.sampled_from(["0", "()", "(0,)"]))
    else:
        sides = data.shape
        def one(s):
            if s == 0:
                return 0
            return draw(st.integers(-s, s - 1)) if not (junk and draw(st.integers(0, 5)) == 0) else draw(st.sampled_from([s, -s - 1, 10**20]))
        if nd == 1 and draw(st.integers(0, 3)):
            index = str(one(sides[0]))
        else:
            index = S.lit(tuple(one(s) for s in sides))
        if junk and draw(st.integers(0, 7)) == 0:
            index = draw(st.sampled_from(["1.0", "'0'", "None", "[0, 0, 0]", "np.int64(0)", "True", "(0.5,)"]))
    order = draw(S.small_int_arg(0, 3, junk, allow_none=True))
    if order is not None:
        kwargs.append(("order", order))
    boundary = draw(S.boundary_arg(junk))
    periodic = boundary == "'periodic'"
    lib = "torch" if data.lib == "torch" else "numpy"
    spacing, period, info = None, None, ("step", 1.0)
    if nd:
        n = data.shape[axis]
        form = draw(st.sampled_from(["omit", "step", "coords", "coords", "one_tuple"]))
        if form == "step":
            spacing, info = draw(_entry_step(lib, junk))
        elif form in ("coords", "one_tuple"):
            vals, ck = draw(S.coord_values(n, junk))
            spacing = draw(_coords_code(vals, ck, lib, junk))
            info = ("coords", vals)
            if form == "one_tuple":
                spacing = f"({spacing},)"
        if periodic:
            period = draw(_period_for(info, n, junk))
    if spacing is not None:
        kwargs.append(("spacing", spacing))
    acc = draw(S.small_int_arg(1, 6, junk, allow_none=True))
    eo = draw(S.small_int_arg(1, 4, junk, allow_none=True))
    for k, v in (("accuracy", acc), ("edge_order", eo), ("boundary", boundary), ("period", period)):
        if v is not None:
            kwargs.append((k, v))
    render = draw(st.sampled_from(["text"] * 12 + ["plot"]))
    return Case("explain", data, (index,), tuple(kwargs), (("render", render),))


# ---------------------------------------------------------------------------
# gradkit.weights
# ---------------------------------------------------------------------------
@st.composite
def weights_case(draw) -> Case:
    m = draw(st.integers(0, 9))
    junk = draw(st.booleans())
    vals, kind = draw(S.coord_values(m, junk))
    form = draw(st.sampled_from(
        ["list", "list", "tuple", "f8", "f8", "object"] + (["i8", "f4", "bool", "c16", "str", "M8", "torch64", "two_d"] if junk else [])
    ))
    if form == "two_d":
        points = f"[{S.lit(list(vals))}, {S.lit(list(vals))}]"
    else:
        points = S.render_coords(vals, kind, "numpy", form)
    if junk and draw(st.integers(0, 9)) == 0:
        points = draw(st.sampled_from(["[]", "5", "'012'", "None", "[1, 'a', 3]", "[True, False, 2]", "[[1], [2]]", "range(4)", "{1.0, 2.0}"]))
    order = draw(S.small_int_arg(0, max(m, 1), junk, allow_none=True))
    at = None
    k = draw(st.integers(0, 9))
    if k < 4:
        at = None
    elif k < 8 and vals and all(math.isfinite(v) for v in vals):
        lo, hi = min(vals), max(vals)
        at = S.lit(draw(st.sampled_from([lo, hi, (lo + hi) / 2, lo - 1.0, 0.5])))
    elif junk:
        at = draw(st.sampled_from(["nan", "inf", "1j", "True", "'0'", "None", "Fraction(1, 3)", "np.float32(0.5)", "1e300", "10**400", "np.array(0.5)", "[0.0]"]))
    args = (points,)
    kwargs = []
    if order is not None:
        if draw(st.booleans()):
            args = args + (order,)
        else:
            kwargs.append(("order", order))
    if at is not None:
        kwargs.append(("at", at))
    return Case("weights", None, args, tuple(kwargs))


# ---------------------------------------------------------------------------
# The drop-ins
# ---------------------------------------------------------------------------
NUMPY_DROPIN_LIBS = ["numpy"] * 8 + ["list", "masked", "masked", "matrix", "sub"]
EXACT_NUMPY_DTYPES = ["float64"] * 5 + ["float32", "float32", "int64", "int32", "uint8", "complex128", "complex64", "longdouble"]


@st.composite
def numpy_dropin_case(draw, exact: bool = False) -> Case:
    if exact:
        data = draw(S.data_arrays(libs=["numpy"] * 6 + ["masked", "sub", "list"], dtypes=EXACT_NUMPY_DTYPES, min_ndim=1))
        junk = False
    else:
        data, junk = draw(data_and_junk(libs=NUMPY_DROPIN_LIBS))
    nd = len(data.shape)
    ax = draw(S.axes_arg(nd, junk))
    axes = tuple(a for a in ax.intended if a < nd)
    form = draw(st.sampled_from(["none", "none", "one", "per_axis", "per_axis", "per_axis"] + (["wrong_count"] if junk else [])))
    args: list[str] = []
    if form == "one":
        args = [draw(S.any_step("numpy", junk)) if not exact else S.lit(draw(st.sampled_from([1, 2, 0.5, -1.5, 0.1, 3.0])))]
    elif form in ("per_axis", "wrong_count"):
        for a in axes:
            if exact:
                if draw(st.booleans()):
                    args.append(S.lit(draw(st.sampled_from([1, 2, 0.5, -1.5, 0.1, 3.0]))))
                else:
                    vals, ck = draw(S.coord_values(data.shape[a], junk=False))
                    args.append(S.render_coords(vals, ck, "numpy", draw(st.sampled_from(["list", "f8", "f8", "i8", "tuple"]))))
            else:
                args.append(draw(_entry(data.shape[a], "numpy", junk))[0])
        if form == "wrong_count":
            args = args[:-1] if args and draw(st.booleans()) else args + ["1.0"]
    kwargs = []
    if ax.code is not None:
        kwargs.append(("axis", ax.code))
    eo = draw(st.sampled_from([None, "1", "2"])) if exact else draw(S.small_int_arg(1, 3, junk, allow_none=True))
    if eo is not None:
        kwargs.append(("edge_order", eo))
    return Case("numpy_gradient", data, tuple(args), tuple(kwargs))


EXACT_TORCH_DTYPES = ["float64"] * 4 + ["float32"] * 3 + ["complex64", "complex128"]


@st.composite
def torch_dropin_case(draw, exact: bool = False) -> Case:
    if exact:
        data = draw(S.data_arrays(libs=["torch"], dtypes=EXACT_TORCH_DTYPES, min_ndim=1))
        junk = False
    else:
        lib = draw(st.sampled_from(["torch"] * 12 + ["numpy"]))
        data, junk = draw(data_and_junk(libs=[lib]))
    nd = len(data.shape)
    ax = draw(S.axes_arg(nd, junk))
    axes = tuple(a for a in ax.intended if a < nd)
    kwargs = []
    if ax.code is not None:
        kwargs.append(("dim", ax.code))
    if exact:
        real = "float32" if data.dtype in ("float32", "complex64") else "float64"
        form = draw(st.sampled_from(["omit", "scalar", "scalars", "coords", "coords"]))
        if form == "scalar":
            kwargs.append(("spacing", S.lit(draw(st.sampled_from([1, 2, 0.5, -1.5, 0.1, 3.0])))))
        elif form == "scalars":
            kwargs.append(("spacing", S.lit([draw(st.sampled_from([1.0, 2.0, 0.5, -1.5, 0.1])) for _ in axes])))
        elif form == "coords":
            parts = []
            for a in axes:
                vals, ck = draw(S.coord_values(data.shape[a], junk=False))
                while ck == "uniform":  # exactly even tensors: a documented difference
                    vals, ck = draw(S.coord_values(data.shape[a], junk=False))
                parts.append(f"torch.tensor({S.lit(list(vals))}, dtype=torch.{real})")
            kwargs.append(("spacing", "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"))
        eo = draw(st.sampled_from([None, "1", "2"]))
    else:
        spacing, _ = draw(torch_style_spacing(data, axes, junk, "torch", want_period=False))
        if spacing is not None:
            kwargs.append(("spacing", spacing))
        eo = draw(S.small_int_arg(1, 3, junk, allow_none=True))
    if eo is not None:
        kwargs.append(("edge_order", eo))
    return Case("torch_gradient", data, (), tuple(kwargs))
