"""Shared input strategies of the fuzz.

Every strategy draws *source code*: a Python expression that builds the
input (``"np.array([1.0, 2.0], dtype='float32')[::2]"``). The harness
evaluates it in :data:`NAMESPACE` each time it needs the object, so

* every call gets fresh objects (nothing one call does can leak into the next),
* a pristine copy to compare against after the call is one more ``eval``,
* every failure prints a reproducer that runs as it is.

The profile of a draw is biased towards valid inputs (about half the
examples have every argument in a valid form) so that the value oracles
are exercised, with junk mixed into the rest.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, Sequence

import numpy as np
from hypothesis import HealthCheck, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

# ---------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------
_ENV_EXAMPLES = os.environ.get("GRADKIT_FUZZ_EXAMPLES")
LONG_MODE = _ENV_EXAMPLES is not None
#: Examples per test.
EXAMPLES = int(_ENV_EXAMPLES) if LONG_MODE else 100
COLLECT_PATH = os.environ.get("GRADKIT_FUZZ_COLLECT") or None


SEED = os.environ.get("GRADKIT_FUZZ_SEED")


def fuzz_settings(share: float = 1.0):
    """Decorator: hypothesis settings with ``share`` of :data:`EXAMPLES` examples
    (at least 5), and the seed of ``GRADKIT_FUZZ_SEED`` when it is set."""
    chosen = settings(
        max_examples=max(5, int(EXAMPLES * share)),
        deadline=None,
        derandomize=not LONG_MODE and SEED is None,
        database=None,
        print_blob=False,
        # One bug per test is shrunk and reported (several would multiply the
        # shrinking time); collect mode (GRADKIT_FUZZ_COLLECT) lists them all.
        report_multiple_bugs=False,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
            HealthCheck.large_base_example,
        ],
    )

    def apply(test):
        test = chosen(test)
        return hypothesis_seed(int(SEED))(test) if SEED is not None else test

    return apply


# ---------------------------------------------------------------------------
# The namespace the drawn code runs in
# ---------------------------------------------------------------------------
class _LazyModule:
    """``jnp`` is imported on first use only (JAX takes a second to import)."""

    def __init__(self, name: str):
        self._name = name
        self._mod = None

    def __getattr__(self, attr: str) -> Any:
        if self._mod is None:
            import importlib

            self._mod = importlib.import_module(self._name)
        return getattr(self._mod, attr)


def _readonly(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


class Sub(np.ndarray):
    """An ndarray subclass (numpy.gradient keeps subclasses)."""


def _sub(a: np.ndarray) -> np.ndarray:
    return a.view(Sub)


def _grad(t):
    t.requires_grad_(True)
    return t


def _namespace() -> dict:
    import torch

    return {
        "np": np,
        "torch": torch,
        "jnp": _LazyModule("jax.numpy"),
        "Fraction": Fraction,
        "Decimal": Decimal,
        "math": math,
        "nan": float("nan"),
        "inf": float("inf"),
        "_readonly": _readonly,
        "_sub": _sub,
        "_grad": _grad,
        "Sub": Sub,
    }


NAMESPACE = _namespace()

#: The imports a reproducer needs (what NAMESPACE provides).
PRELUDE = (
    "import math, numpy as np, torch, gradkit\n"
    "from fractions import Fraction; from decimal import Decimal\n"
    "from gradkit.compat import numpy_gradient, torch_gradient\n"
    "nan, inf = float('nan'), float('inf')\n"
    "# helpers: _readonly(a) sets a.flags.writeable = False; _sub(a) = a.view(an ndarray subclass);\n"
    "# _grad(t) = t.requires_grad_(True); jnp = jax.numpy\n"
)


def build(code: str) -> Any:
    """Evaluate drawn code (warnings about overflowing casts while building are ignored)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return eval(code, NAMESPACE)  # noqa: S307 - the code comes from our own strategies


# ---------------------------------------------------------------------------
# Literals
# ---------------------------------------------------------------------------
def lit(v: Any) -> str:
    """Source code of a scalar or nested list."""
    if isinstance(v, (bool, np.bool_)):
        return repr(bool(v))
    if isinstance(v, (int, np.integer)):
        return repr(int(v))
    if isinstance(v, (float, np.floating)):
        v = float(v)
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, complex):
        return f"complex({lit(v.real)}, {lit(v.imag)})"
    if isinstance(v, Fraction):
        return f"Fraction({v.numerator}, {v.denominator})"
    if isinstance(v, Decimal):
        return f"Decimal({str(v)!r})"
    if isinstance(v, (str, bytes)) or v is None:
        return repr(v)
    if isinstance(v, (list, tuple)):
        inner = ", ".join(lit(x) for x in v)
        if isinstance(v, tuple):
            return f"({inner}{',' if len(v) == 1 else ''})"
        return f"[{inner}]"
    raise TypeError(f"no literal for {v!r}")


def nested(flat: Sequence[Any], shape: Sequence[int]) -> Any:
    """``flat`` as nested lists of ``shape`` (a scalar for shape ())."""
    if len(shape) == 0:
        return flat[0]
    if len(shape) == 1:
        return list(flat)
    step = math.prod(shape[1:])
    return [nested(flat[k * step : (k + 1) * step], shape[1:]) for k in range(shape[0])]


# ---------------------------------------------------------------------------
# Element values
# ---------------------------------------------------------------------------
SPECIALS = [float("nan"), float("inf"), float("-inf")]

_FLOAT_PROFILES = {
    "small": st.integers(-9, 9).map(float),
    "int": st.integers(-1000, 1000).map(float),
    "dyadic": st.builds(lambda a, b: a / 2**b, st.integers(-64, 64), st.integers(0, 10)),
    "float": st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
    "wide": st.floats(allow_nan=False, allow_infinity=False),
    "tiny": st.floats(-1e-300, 1e-300, allow_nan=False, allow_infinity=False),
    "huge": st.builds(lambda s, m: s * m, st.sampled_from([-1.0, 1.0]), st.floats(1e290, 1.7e308)),
}
_PROFILE_NAMES = ["small"] * 4 + ["int"] * 2 + ["dyadic"] * 3 + ["float"] * 3 + ["wide", "tiny", "huge"]


@st.composite
def float_values(draw, size: int, allow_special: bool = True) -> list[float]:
    """``size`` floats from one magnitude profile, with a few NaN/inf sometimes."""
    profile = _FLOAT_PROFILES[draw(st.sampled_from(_PROFILE_NAMES))]
    special_rate = draw(st.sampled_from([0, 0, 0, 0, 8])) if allow_special else 0
    out = []
    for _ in range(size):
        if special_rate and draw(st.integers(0, special_rate - 1)) == 0:
            out.append(draw(st.sampled_from(SPECIALS)))
        else:
            out.append(draw(profile))
    return out


def _int_range(dtype: str) -> tuple[int, int]:
    if dtype.startswith("torch."):
        dtype = dtype[6:]
    if dtype == "bool":
        return 0, 1
    info = np.iinfo(np.dtype(dtype))
    return int(info.min), int(info.max)


@st.composite
def int_values(draw, size: int, dtype: str) -> list[int]:
    lo, hi = _int_range(dtype)
    mode = draw(st.sampled_from(["small", "small", "mid", "full", "extreme"]))
    if mode == "small":
        elem = st.integers(max(lo, -9), min(hi, 9))
    elif mode == "mid":
        elem = st.integers(max(lo, -30000), min(hi, 30000))
    elif mode == "full":
        elem = st.integers(lo, hi)
    else:
        elem = st.sampled_from(sorted({lo, hi, max(lo, 0), min(hi, 1), max(lo, -1)}))
    return [draw(elem) for _ in range(size)]


@st.composite
def complex_values(draw, size: int) -> list[complex]:
    re = draw(float_values(size))
    im = draw(float_values(size))
    return [complex(a, b) for a, b in zip(re, im)]


@st.composite
def object_values(draw, size: int) -> list[Any]:
    """Numbers as Python objects, with an occasional non-number."""
    number = st.one_of(
        st.builds(Fraction, st.integers(-50, 50), st.integers(1, 12)),
        st.integers(-100, 100),
        st.floats(-100, 100, allow_nan=False),
        st.builds(lambda k: Decimal(k) / 4, st.integers(-40, 40)),
    )
    junk = st.sampled_from(["a", None, complex(1, 2), True, b"x"])
    rate = draw(st.sampled_from([0, 0, 0, 6]))
    return [draw(junk) if rate and draw(st.integers(0, rate - 1)) == 0 else draw(number) for _ in range(size)]


# ---------------------------------------------------------------------------
# Shapes
# ---------------------------------------------------------------------------
@st.composite
def shapes(draw, min_ndim: int = 0, max_ndim: int = 3, allow_empty: bool = True, max_side: int = 9) -> tuple:
    ndim = draw(st.sampled_from([k for k in (0, 1, 1, 1, 2, 2, 2, 3, 3) if min_ndim <= k <= max_ndim]))
    if ndim == 0:
        return ()
    budget = {1: 24, 2: 48, 3: 60}.get(ndim, 60)
    lo = 0 if allow_empty else 1
    sides = []
    for k in range(ndim):
        cap = max(lo, min(max_side if ndim > 1 else 24, budget // max(1, math.prod(sides) or 1)))
        sides.append(draw(st.integers(lo, max(lo, cap))))
    if allow_empty and draw(st.integers(0, 9)) == 0:
        sides[draw(st.integers(0, ndim - 1))] = 0
    return tuple(sides)


# ---------------------------------------------------------------------------
# Data arrays
# ---------------------------------------------------------------------------
NUMPY_DTYPES = (
    ["float64"] * 8 + ["float32"] * 3 + ["int64"] * 2
    + ["bool", "int8", "int16", "int32", "uint8", "uint16", "uint32", "uint64", "float16",
       "longdouble", "complex64", "complex128", "complex128", "clongdouble", "object", "object",
       "str", "bytes", "datetime64", "datetime64", "timedelta64", "structured"]
)
TORCH_DTYPES = (
    ["float64"] * 6 + ["float32"] * 4
    + ["bool", "uint8", "int8", "int16", "int32", "int64", "int64", "uint16", "uint32", "uint64",
       "float16", "bfloat16", "complex64", "complex128", "complex32", "float8_e4m3fn"]
)
TIME_UNITS = ["D", "s", "ms", "ns", "h", "Y", "M", "W"]
#: The dtypes of a "clean" draw (every argument valid): numbers only.
CLEAN_NUMPY_DTYPES = ["float64"] * 8 + ["float32"] * 3 + ["int64"] * 2 + [
    "int8", "uint8", "int32", "uint16", "uint64", "float16", "longdouble", "complex128", "complex64"]
CLEAN_TORCH_DTYPES = ["float64"] * 6 + ["float32"] * 4 + [
    "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "complex64", "complex128"]


@dataclass(frozen=True)
class Data:
    """A drawn data argument: its code, library, dtype name and shape."""

    code: str
    lib: str  # "numpy", "masked", "list", "torch", "jax", "matrix", "sub"
    dtype: str
    shape: tuple

    def __str__(self) -> str:
        return self.code


@st.composite
def _plain_numpy(draw, shape: tuple, dtype: str) -> str:
    size = math.prod(shape)
    if dtype in ("float64", "float32", "float16", "longdouble"):
        vals = draw(float_values(size))
        body = lit(nested(vals, shape)) if size else None
    elif dtype in ("complex64", "complex128", "clongdouble"):
        vals = draw(complex_values(size))
        body = lit(nested(vals, shape)) if size else None
    elif dtype == "bool":
        body = lit(nested(draw(st.lists(st.booleans(), min_size=size, max_size=size)), shape)) if size else None
    elif dtype == "object":
        body = lit(nested(draw(object_values(size)), shape)) if size else None
    elif dtype == "str":
        body = lit(nested([str(v) for v in draw(int_values(size, "int8"))], shape)) if size else None
    elif dtype == "bytes":
        body = lit(nested([str(v).encode() for v in draw(int_values(size, "int8"))], shape)) if size else None
    elif dtype in ("datetime64", "timedelta64"):
        unit = draw(st.sampled_from(TIME_UNITS))
        kind = "M8" if dtype == "datetime64" else "m8"
        nat = -(2**63)
        rate = draw(st.sampled_from([0, 0, 0, 5]))
        vals = [
            nat if rate and draw(st.integers(0, rate - 1)) == 0 else draw(st.integers(-10**6, 10**6))
            for _ in range(size)
        ]
        if not size:
            return f"np.zeros({shape!r}, dtype='{kind}[{unit}]')"
        return f"np.array({lit(nested(vals, shape))}, dtype='int64').view('{kind}[{unit}]')"
    elif dtype == "structured":
        return f"np.zeros({shape!r}, dtype=[('a', 'f8'), ('b', 'i4')])"
    else:
        body = lit(nested(draw(int_values(size, dtype)), shape)) if size else None
    np_dtype = {"str": "'U4'", "bytes": "'S4'", "object": "object"}.get(dtype, f"'{dtype}'")
    if body is None:
        return f"np.zeros({shape!r}, dtype={np_dtype})"
    return f"np.array({body}, dtype={np_dtype})"


@st.composite
def _plain_torch(draw, shape: tuple, dtype: str) -> str:
    size = math.prod(shape)
    if dtype in ("float64", "float32", "float16", "bfloat16", "float8_e4m3fn"):
        vals = draw(float_values(size))
    elif dtype in ("complex64", "complex128", "complex32"):
        vals = draw(complex_values(size))
    elif dtype == "bool":
        vals = draw(st.lists(st.booleans(), min_size=size, max_size=size))
    else:
        d = {"uint64": "int32", "uint32": "int32"}.get(dtype, dtype)
        vals = [abs(v) if dtype.startswith("uint") else v for v in draw(int_values(size, d))]
    if not size:
        return f"torch.zeros({shape!r}, dtype=torch.{dtype})"
    body = lit(nested(vals, shape))
    if dtype == "float8_e4m3fn":
        return f"torch.tensor({body}).to(torch.float8_e4m3fn)"
    if dtype == "complex32":
        return f"torch.tensor({body}).to(torch.complex32)"
    return f"torch.tensor({body}, dtype=torch.{dtype})"


@st.composite
def data_arrays(
    draw,
    libs: Sequence[str] = ("numpy",),
    dtypes: Sequence[str] | None = None,
    min_ndim: int = 0,
    max_ndim: int = 3,
    allow_empty: bool = True,
    layouts: bool = True,
    shape: tuple | None = None,
    torch_dtypes: Sequence[str] | None = None,
) -> Data:
    """A data array: any library of ``libs``, dtype, shape and memory layout."""
    lib = draw(st.sampled_from(list(libs)))
    if shape is None:
        shape = draw(shapes(min_ndim, max_ndim, allow_empty))
    if lib == "matrix" and len(shape) != 2:
        lib = "numpy"
    if lib in ("torch",):
        dtype = draw(st.sampled_from(list(torch_dtypes or TORCH_DTYPES)))
        plain = lambda s: draw(_plain_torch(s, dtype))  # noqa: E731
    elif lib == "jax":
        dtype = draw(st.sampled_from(["float32", "float32", "int32", "complex64", "float16"] + (["bool"] if dtypes is None else [])))
        size = math.prod(shape)
        vals = (
            draw(complex_values(size)) if dtype == "complex64"
            else draw(st.lists(st.booleans(), min_size=size, max_size=size)) if dtype == "bool"
            else draw(int_values(size, "int16")) if dtype == "int32"
            else draw(float_values(size))
        )
        body = lit(nested(vals, shape)) if size else None
        code = f"jnp.zeros({shape!r}, dtype=jnp.{dtype})" if body is None else f"jnp.array({body}, dtype=jnp.{dtype})"
        return Data(code, "jax", dtype, shape)
    elif lib == "list":
        dtype = draw(st.sampled_from(["float64", "float64", "int64", "complex128"] + (["bool", "object"] if dtypes is None else [])))
        size = math.prod(shape)
        if size == 0 or len(shape) == 0:
            lib, dtype = "numpy", "float64"
            plain = lambda s: draw(_plain_numpy(s, dtype))  # noqa: E731
        else:
            vals = (
                draw(float_values(size)) if dtype == "float64"
                else draw(int_values(size, "int16")) if dtype == "int64"
                else draw(complex_values(size)) if dtype == "complex128"
                else draw(st.lists(st.booleans(), min_size=size, max_size=size)) if dtype == "bool"
                else draw(object_values(size))
            )
            return Data(lit(nested(vals, shape)), "list", dtype, shape)
    else:
        dtype = draw(st.sampled_from(list(dtypes or NUMPY_DTYPES)))
        plain = lambda s: draw(_plain_numpy(s, dtype))  # noqa: E731
    code = _with_layout(draw, plain, shape, lib, layouts)
    return Data(code, lib, dtype, shape)


def _with_layout(draw, plain, shape: tuple, lib: str, layouts: bool) -> str:
    """Wrap a plain array in a memory layout (strided, transposed, ...) or container."""
    nd = len(shape)
    torch_lib = lib == "torch"
    choices = ["plain"] * 6
    if layouts and nd >= 1:
        choices += ["step2", "step2", "transpose", "broadcast"]
        if not torch_lib:
            choices += ["reverse", "fortran", "readonly"]
    if lib == "masked":
        choices = ["plain"]
    layout = draw(st.sampled_from(choices))
    if layout == "step2":
        a = draw(st.integers(0, nd - 1))
        base = list(shape)
        base[a] = 2 * shape[a]
        idx = ", ".join([":"] * a + ["::2"])
        code = f"{plain(tuple(base))}[{idx}]"
    elif layout == "reverse":
        a = draw(st.integers(0, nd - 1))
        idx = ", ".join([":"] * a + ["::-1"])
        code = f"{plain(shape)}[{idx}]"
    elif layout == "transpose":
        code = f"{plain(tuple(reversed(shape)))}" + (
            f".permute({', '.join(str(k) for k in reversed(range(nd)))})" if torch_lib else ".T"
        )
    elif layout == "broadcast":
        a = draw(st.integers(0, nd - 1))
        base = list(shape)
        base[a] = 1 if shape[a] else 0
        code = f"{plain(tuple(base))}.expand({shape!r})" if torch_lib else f"np.broadcast_to({plain(tuple(base))}, {shape!r})"
    elif layout == "fortran":
        code = f"np.asfortranarray({plain(shape)})"
    elif layout == "readonly":
        code = f"_readonly({plain(shape)})"
    else:
        code = plain(shape)
    if lib == "masked":
        size = math.prod(shape)
        kind = draw(st.sampled_from(["random", "random", "nomask", "none", "all"]))
        if kind == "nomask":
            code = f"np.ma.array({code})"
        elif kind == "none":
            code = f"np.ma.array({code}, mask={lit(nested([False] * size, shape)) if size and nd else False})"
        else:
            flags = [True] * size if kind == "all" else draw(st.lists(st.booleans(), min_size=size, max_size=size))
            m = lit(nested(flags, shape)) if size and nd else (lit(flags[0]) if size else "False")
            code = f"np.ma.array({code}, mask={m})"
    elif lib == "matrix":
        code = f"np.asmatrix({code})"
    elif lib == "sub":
        code = f"_sub({code})"
    return code


# ---------------------------------------------------------------------------
# Scalars (steps, periods)
# ---------------------------------------------------------------------------
@st.composite
def valid_step(draw, lib: str = "numpy") -> str:
    """A finite non-zero step, in one of the scalar forms every entry point accepts."""
    value = draw(
        st.one_of(
            st.sampled_from([1, 2, 3, -1, -2]),
            st.sampled_from([0.5, 0.25, 0.1, 1.5, -0.5, 3.0, 1e-3, 1e3]),
            st.floats(1e-3, 1e3).map(lambda v: v if v else 1.0),
        )
    )
    form = draw(st.sampled_from(["py"] * 6 + ["np64", "np32", "npint", "0d", "torch0d"]))
    if form == "np64":
        return f"np.float64({lit(float(value))})"
    if form == "np32":
        return f"np.float32({lit(float(value))})"
    if form == "npint" and isinstance(value, int):
        return f"np.int64({value})"
    if form == "0d":
        return f"np.array({lit(value)})"
    if form == "torch0d" and lib == "torch":
        return f"torch.tensor({lit(float(value))}, dtype=torch.float64)"
    return lit(value)


JUNK_STEPS = [
    "0", "0.0", "-0.0", "nan", "inf", "-inf", "1e200", "-1e200", "1e-200", "5e-324", "1e308", "1e-170",
    "True", "False", "None", "'1'", "b'1'", "[]", "complex(nan, 0.0)", "complex(0.0, 0.0)", "1j",
    "complex(2.0, -1.0)", "Fraction(1, 3)", "Decimal('0.5')", "np.bool_(True)", "np.timedelta64(1, 'D')",
    "np.datetime64('2020-01-01')", "np.array(0.0)", "np.array(nan)", "np.array([2.0])", "np.float16(0.001)",
    "np.array(True)", "torch.tensor(2.0)", "torch.tensor(True)", "torch.tensor(0.0)", "object()", "{}",
    "np.complex64(1j)", "np.longdouble(0.5)", "10**400", "2**70", "np.uint8(3)",
]


@st.composite
def any_step(draw, lib: str = "numpy", junk: bool = True) -> str:
    if junk and draw(st.integers(0, 2)) == 0:
        return draw(st.sampled_from(JUNK_STEPS))
    return draw(valid_step(lib))


# ---------------------------------------------------------------------------
# Coordinates
# ---------------------------------------------------------------------------
VALID_COORD_KINDS = ["increasing"] * 4 + ["decreasing", "shuffled", "uniform", "uniform", "clustered"]
JUNK_COORD_KINDS = [
    "repeated", "nan", "inf", "wrong_len", "two_d", "tiny", "tiny", "subnormal", "huge", "near_dup",
    "offset", "empty", "ultra_tiny",
]


def _distinct_sorted(draw, n: int, profile: str) -> list[float]:
    if profile == "int":
        vals = draw(st.lists(st.integers(-60, 60), min_size=n, max_size=n, unique=True))
        return sorted(float(v) for v in vals)
    if profile == "dyadic":
        vals = draw(st.lists(st.integers(-200, 200), min_size=n, max_size=n, unique=True))
        return sorted(v / 8 for v in vals)
    vals = draw(st.lists(st.floats(-50, 50, allow_nan=False), min_size=n, max_size=n, unique=True))
    return sorted(vals)


@st.composite
def coord_values(draw, n: int, junk: bool = True) -> tuple[list, str]:
    """(values, kind): coordinates for an axis of ``n`` samples."""
    kinds = VALID_COORD_KINDS + (JUNK_COORD_KINDS if junk else [])
    kind = draw(st.sampled_from(kinds))
    profile = draw(st.sampled_from(["int", "int", "dyadic", "float"]))
    m = max(n, 0)
    if kind == "wrong_len":
        m = draw(st.sampled_from([n + 1, max(n - 1, 0), n + 3, 1]))
    if kind == "empty":
        return [], kind
    base = _distinct_sorted(draw, m, profile) if m else []
    if kind == "decreasing":
        base = base[::-1]
    elif kind == "shuffled":
        base = draw(st.permutations(base))
    elif kind == "uniform":
        h = draw(st.sampled_from([1.0, 0.5, 2.0, -1.0, 0.25, 3.0, 0.1]))
        c = draw(st.sampled_from([0.0, 1.0, -3.0, 0.5, 100.0]))
        base = [c + k * h for k in range(m)]
    elif kind == "clustered":  # very unequal gaps, still well within float range
        gaps = [draw(st.sampled_from([1.0, 1e-6, 1e3, 1e-3, 0.5])) for _ in range(max(m - 1, 0))]
        base = [0.0]
        for g in gaps:
            base.append(base[-1] + g)
        base = base[:m]
    elif kind == "repeated" and m >= 2:
        i, j = draw(st.integers(0, m - 1)), draw(st.integers(0, m - 1))
        if i == j:
            j = (i + 1) % m
        base[j] = base[i]
    elif kind in ("nan", "inf") and m >= 1:
        base[draw(st.integers(0, m - 1))] = float("nan") if kind == "nan" else draw(st.sampled_from([float("inf"), float("-inf")]))
    elif kind == "tiny":
        scale = draw(st.sampled_from([1e-150, 1e-165, 1e-170, 1e-200, 1e-300]))
        base = [v * scale for v in base]
    elif kind == "ultra_tiny":
        base = [v * 1e-305 for v in base]
    elif kind == "subnormal":
        ks = sorted(draw(st.lists(st.integers(-40, 40), min_size=m, max_size=m, unique=True)))
        base = [k * 5e-324 for k in ks]
    elif kind == "huge":
        scale = draw(st.sampled_from([1e200, 1e300, 1e306]))
        base = [v * scale for v in base]
    elif kind == "near_dup" and m >= 2:
        i = draw(st.integers(1, m - 1))
        base = list(base)
        base[i] = float(np.nextafter(base[i - 1], np.inf))
        base = sorted(set(base)) if len(set(base)) == m else base
    elif kind == "offset":
        off = draw(st.sampled_from([1e15, 1e16, 2.0**53, -1e17]))
        base = [off + v for v in base]
    return base, kind


COORD_FORMS_NUMPY = (
    ["list"] * 4 + ["f8"] * 4
    + ["tuple", "f4", "f2", "i8", "i1", "u1", "bool", "c16", "object", "str", "M8", "range", "longdouble", "torch64"]
)
COORD_FORMS_TORCH = ["t64"] * 4 + ["t32"] * 2 + ["list", "list", "tuple", "f8", "ti64", "tbool", "tc128", "t16", "tgrad", "tbf16"]


@st.composite
def coordinates(draw, n: int, lib: str = "numpy", junk: bool = True) -> str:
    """Source code of coordinates for an axis of ``n`` samples, in some container and dtype."""
    vals, kind = draw(coord_values(n, junk))
    forms = COORD_FORMS_TORCH if lib == "torch" else COORD_FORMS_NUMPY
    if not junk:
        forms = [f for f in forms if f in ("list", "f8", "t64", "t32", "tuple", "i8", "ti64", "range")]
    return render_coords(vals, kind, lib, draw(st.sampled_from(forms)))


def render_coords(vals, kind, lib, form) -> str:
    if kind == "two_d" and vals:
        body = lit([vals, vals])
        return f"np.array({body})" if lib != "torch" else f"torch.tensor({body}, dtype=torch.float64)"
    intable = all(math.isfinite(v) and v == int(v) and abs(v) < 2**62 for v in vals)
    if form in ("i8", "i1", "u1", "ti64", "range") and not intable:
        form = "f8" if lib != "torch" else "t64"
    if form == "u1" and any(v < 0 or v > 255 for v in vals):
        form = "i8"
    if form == "i1" and any(v < -128 or v > 127 for v in vals):
        form = "i8"
    ints = [int(v) for v in vals] if intable else None
    simple = {
        "list": lambda: lit(list(vals)),
        "tuple": lambda: lit(tuple(vals)),
        "f8": lambda: f"np.array({lit(list(vals))}, dtype='float64')",
        "longdouble": lambda: f"np.array({lit(list(vals))}, dtype=np.longdouble)",
        "f4": lambda: f"np.array({lit(list(vals))}, dtype='float32')",
        "f2": lambda: f"np.array({lit(list(vals))}, dtype='float16')",
        "i8": lambda: f"np.array({lit(ints)}, dtype='int64')",
        "i1": lambda: f"np.array({lit(ints)}, dtype='int8')",
        "u1": lambda: f"np.array({lit(ints)}, dtype='uint8')",
        "bool": lambda: f"np.array({lit([bool(k % 2) for k in range(len(vals))])})",
        "c16": lambda: f"np.array({lit(list(vals))}, dtype='complex128')",
        "object": lambda: f"np.array({lit([Fraction(v) if math.isfinite(v) else v for v in vals])}, dtype=object)",
        "str": lambda: f"np.array({lit([str(v) for v in vals])})",
        "M8": lambda: f"np.array({lit(list(range(len(vals))))}, dtype='int64').view('M8[D]')",
        "torch64": lambda: f"torch.tensor({lit(list(vals))}, dtype=torch.float64)",
        "ti64": lambda: f"torch.tensor({lit(ints)}, dtype=torch.int64)",
        "tbool": lambda: f"torch.tensor({lit([bool(k % 2) for k in range(len(vals))])})",
        "tc128": lambda: f"torch.tensor({lit(list(vals))}, dtype=torch.complex128)",
        "tgrad": lambda: f"_grad(torch.tensor({lit(list(vals))}, dtype=torch.float64))",
        "t64": lambda: f"torch.tensor({lit(list(vals))}, dtype=torch.float64)",
        "t32": lambda: f"torch.tensor({lit(list(vals))}, dtype=torch.float32)",
        "t16": lambda: f"torch.tensor({lit(list(vals))}, dtype=torch.float16)",
        "tbf16": lambda: f"torch.tensor({lit(list(vals))}, dtype=torch.bfloat16)",
    }
    if form == "range":
        if ints and len(ints) >= 2 and ints[1] != ints[0] and all(b - a == ints[1] - ints[0] for a, b in zip(ints, ints[1:])):
            d = ints[1] - ints[0]
            return f"range({ints[0]}, {ints[-1] + (1 if d > 0 else -1)}, {d})"
        return lit(list(vals))
    return simple[form]()


@st.composite
def spacing_entry(draw, n: int, lib: str = "numpy", junk: bool = True) -> str:
    """One per-axis spacing entry: a step or coordinates."""
    if draw(st.integers(0, 1)):
        return draw(any_step(lib, junk))
    return draw(coordinates(n, lib, junk))


# ---------------------------------------------------------------------------
# Axes and scheme settings
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Axes:
    code: str | None  # None: not passed
    intended: tuple  # the axes it names when it is valid (best effort otherwise)


@st.composite
def axes_arg(draw, ndim: int, junk: bool = True, allow_omit: bool = True, single: bool = False) -> Axes:
    """A dim/axis argument for an input of ``ndim`` dims."""
    everything = tuple(range(ndim))
    choices = ["int", "int", "neg"] + (["omit", "omit", "None"] if allow_omit else [])
    if not single:
        choices += ["list", "tuple", "tuple"]
    if junk:
        choices += ["oob", "bool", "float", "str", "np", "repeat", "empty", "nested", "array", "huge"]
    kind = draw(st.sampled_from(choices))
    if ndim == 0 and kind in ("int", "neg", "list", "tuple", "repeat", "np"):
        kind = draw(st.sampled_from(["omit", "None", "oob", "empty"])) if junk else "omit"
    if kind == "omit":
        return Axes(None, everything)
    if kind == "None":
        return Axes("None", everything)
    if kind == "int":
        a = draw(st.integers(0, ndim - 1))
        return Axes(str(a), (a,))
    if kind == "neg":
        a = draw(st.integers(-ndim, -1))
        return Axes(str(a), (a % ndim,))
    if kind in ("list", "tuple"):
        k = draw(st.integers(1, ndim))
        sel = draw(st.permutations(everything))[:k]
        sel = [s - ndim if draw(st.booleans()) else s for s in sel]
        code = lit(list(sel)) if kind == "list" else lit(tuple(sel))
        return Axes(code, tuple(s % ndim for s in sel))
    if kind == "oob":
        a = draw(st.sampled_from([ndim, -ndim - 1, ndim + 3]))
        return Axes(str(a), (0,) if ndim else ())
    if kind == "bool":
        return Axes(draw(st.sampled_from(["True", "False"])), (0,) if ndim else ())
    if kind == "float":
        return Axes("0.0", (0,) if ndim else ())
    if kind == "str":
        return Axes("'0'", (0,) if ndim else ())
    if kind == "np":
        a = draw(st.integers(0, ndim - 1))
        return Axes(f"np.int64({a})", (a,))
    if kind == "repeat":
        a = draw(st.integers(0, ndim - 1))
        return Axes(f"({a}, {a - ndim})", (a,))
    if kind == "empty":
        return Axes(draw(st.sampled_from(["()", "[]"])), ())
    if kind == "nested":
        return Axes("[[0]]", (0,) if ndim else ())
    if kind == "array":
        return Axes(f"np.array({lit(list(everything))})", everything)
    return Axes("10**30", (0,) if ndim else ())


JUNK_INTS = ["0", "-1", "1.5", "2.0", "True", "False", "'2'", "None", "10**30", "np.int64(2)", "np.uint8(1)", "[2]", "nan"]


@st.composite
def small_int_arg(draw, lo: int, hi: int, junk: bool = True, allow_none: bool = False) -> str | None:
    """A positive-integer setting (order, accuracy, edge_order) as code, or None to omit it."""
    if junk and draw(st.integers(0, 3)) == 0:
        return draw(st.sampled_from(JUNK_INTS))
    if allow_none and draw(st.integers(0, 3)) == 0:
        return None
    return str(draw(st.integers(lo, hi)))


BOUNDARIES_JUNK = ["'Periodic'", "''", "None", "1", "'wrap'", "b'periodic'", "('periodic',)"]


@st.composite
def boundary_arg(draw, junk: bool = True) -> str | None:
    k = draw(st.integers(0, 9))
    if junk and k == 0:
        return draw(st.sampled_from(BOUNDARIES_JUNK))
    if k <= 4:
        return None
    if k <= 6:
        return "'one-sided'"
    return "'periodic'"


PERIOD_JUNK = ["0", "nan", "inf", "-1.0", "1e-300", "1e300", "1j", "'1'", "True", "[1.0, 2.0, 3.0]", "[]"]
