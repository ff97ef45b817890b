"""Running a case, classifying its outcome, and the checks of every test.

A *disallowed outcome* goes through :func:`fail`: in normal mode it raises
an AssertionError carrying the reproducer; in collect mode
(``GRADKIT_FUZZ_COLLECT``) it is appended to the collect file and the test
goes on. :func:`note` records things worth knowing that are not failures
(collect mode only), e.g. a drop-in's documented refusal of an input the
original accepts, or a non-finite value where data and weights reach the
ends of the float range.
"""

from __future__ import annotations

import json
import math
import os
import re
import traceback
import warnings
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Sequence

import numpy as np
import torch
from hypothesis import event as _hypothesis_event
from hypothesis.errors import InvalidArgument

import gradkit
from gradkit import compat

from . import oracles as O
from . import strategies as S
from .cases import Case

FUNCS = {
    "gradient": gradkit.gradient,
    "derivative": gradkit.derivative,
    "explain": gradkit.explain,
    "weights": gradkit.weights,
    "numpy_gradient": compat.numpy_gradient,
    "torch_gradient": compat.torch_gradient,
}
PREFIX = {
    "gradient": "gradient:",
    "derivative": "derivative:",
    "explain": "explain:",
    "weights": "weights():",
    "numpy_gradient": "numpy_gradient:",
    "torch_gradient": "torch_gradient:",
}
SRC = os.path.dirname(gradkit.__file__)


def event(label: str) -> None:
    """hypothesis.event inside a test (statistics); nothing when a check runs on its own."""
    try:
        _hypothesis_event(label)
    except InvalidArgument:
        pass


# ---------------------------------------------------------------------------
# Reporting
# ---------------------------------------------------------------------------
class FuzzFailure(AssertionError):
    pass


def _record(kind: str, case: Case, category: str, detail: str, message: str) -> None:
    row = {
        "kind": kind,
        "func": case.func,
        "category": category,
        "detail": detail,
        "message": message[:2000],
        "repro": case.repro(),
    }
    with open(S.COLLECT_PATH, "a") as fh:
        fh.write(json.dumps(row) + "\n")


def fail(case: Case, category: str, detail: str, message: str = "") -> None:
    """A disallowed outcome."""
    if S.COLLECT_PATH:
        _record("failure", case, category, detail, message)
        return
    raise FuzzFailure(
        f"[{case.func}] {category}: {detail}\n{message}\n--- reproducer ---\n{S.PRELUDE}{case.repro()}"
    )


def note(case: Case, category: str, detail: str, message: str = "") -> None:
    """Not a failure; recorded in collect mode only."""
    if S.COLLECT_PATH:
        _record("note", case, category, detail, message)


# ---------------------------------------------------------------------------
# Running one call
# ---------------------------------------------------------------------------
@dataclass
class Outcome:
    value: Any = None
    exc: BaseException | None = None
    warnings: tuple = ()

    @property
    def raised(self) -> bool:
        return self.exc is not None


def snapshot(obj: Any) -> Any:
    """Everything observable about an argument, to detect modification."""
    if isinstance(obj, np.ndarray):
        base = (type(obj).__name__, obj.dtype.str, obj.shape, obj.flags.writeable)
        data = np.asarray(obj)
        if data.dtype == object:
            content = tuple(repr(v) for v in data.ravel())
        elif data.dtype.fields:
            content = data.tobytes()
        else:
            content = np.ascontiguousarray(data).tobytes()
        mask = np.ma.getmaskarray(obj).tobytes() if isinstance(obj, np.ma.MaskedArray) else None
        return base + (content, mask)
    if O.is_torch(obj):
        t = obj.detach()
        flat = t.reshape(-1).contiguous().clone(memory_format=torch.contiguous_format)
        content = bytes(flat.view(torch.uint8).numpy()) if flat.numel() else b""
        return ("tensor", str(t.dtype), tuple(t.shape), t.stride(), obj.requires_grad, content)
    if O.is_jax(obj):
        return ("jax", str(obj.dtype), np.asarray(obj).tobytes())
    if isinstance(obj, (list, tuple)):
        return (type(obj).__name__, tuple(snapshot(v) for v in obj))
    return ("repr", repr(obj))


def _innermost(exc: BaseException) -> str:
    """file:line of the innermost frame in gradkit (else the innermost frame)."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [fr for fr in frames if fr.filename.startswith(SRC)]
    fr = (ours or frames or [None])[-1]
    if fr is None:
        return "?"
    name = os.path.relpath(fr.filename, os.path.dirname(SRC)) if fr.filename.startswith(SRC) else os.path.basename(fr.filename)
    return f"{name}:{fr.lineno} ({fr.name})"


def template(msg: str) -> str:
    """A message with its numbers and quoted values blanked, for grouping."""
    msg = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", msg)
    msg = re.sub(r"-?\d+(\.\d*)?(e[-+]?\d+)?", "#", msg)
    return msg[:90]


def run(case: Case, fn=None, callee: str | None = None, as_errors: bool = True, allowed: tuple = ()) -> Outcome:
    """Call ``fn`` (the case's function) on freshly built arguments and check
    that no argument was modified.

    ``as_errors`` (gradkit's functions): warnings are errors. A warning that
    escapes is reported (``warning-escaped``), and the call is then repeated
    with warnings silenced, so that what a user gets after the warning (a
    value or an exception) is checked too. Otherwise (the originals)
    warnings are recorded in ``Outcome.warnings``.
    """
    fn = fn or FUNCS[case.func]
    out = _call(case, fn, "error" if as_errors else "always")
    if as_errors and isinstance(out.exc, Warning):
        w = out.exc
        if not isinstance(w, allowed):  # a drop-in gives the original's own warnings
            fail(case, "warning-escaped", f"{type(w).__name__} at {_innermost(w)}", f"{type(w).__name__}: {w}")
        out = _call(case, fn, "ignore")
    return out


def _call(case: Case, fn, action: str) -> Outcome:
    f, args, kwargs = case.build()
    inputs = lambda: (f, args, {k: v for k, v in kwargs.items() if k != "out"})  # noqa: E731 - out= is written
    before = snapshot(inputs())
    out = Outcome()
    with warnings.catch_warnings(record=action == "always") as caught:
        warnings.simplefilter(action)
        try:
            call_args = ([f] if case.f is not None else []) + list(args)
            out.value = fn(*call_args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - classifying every exception is the point
            out.exc = exc
    if action == "always":
        out.warnings = tuple(caught or ())
    else:
        after = snapshot(inputs())
        if after != before:
            what = _what_changed(before, after)
            fail(case, "input-modified", what, f"the call modified its {what}")
    out.built = (f, args, kwargs)
    return out


def _what_changed(before, after) -> str:
    (bf, ba, bk), (af, aa, ak) = before[1], after[1]
    if bf != af:
        return "data argument f"
    if ba != aa:
        return "positional arguments"
    return "keyword arguments"


def check_exception(case: Case, exc: BaseException) -> bool:
    """Whether ``exc`` is an allowed outcome; reports it when it is not."""
    event(f"raised {type(exc).__name__}")
    where = _innermost(exc)
    msg = str(exc)
    tname = type(exc).__name__
    if not isinstance(exc, (ValueError, TypeError, IndexError)):
        fail(case, "disallowed-exception", f"{tname} at {where}", f"{tname}: {msg}")
        return False
    if not msg.strip():
        fail(case, "no-message", f"{tname} at {where}", repr(exc))
        return False
    # The drop-ins put the original's own message first, then gradkit's: "<original> -- numpy_gradient: ...".
    own = msg.startswith(PREFIX[case.func]) or (
        case.func in ("numpy_gradient", "torch_gradient") and f" -- {PREFIX[case.func]}" in msg
    )
    if not own:
        fail(case, "internal-error", f"{tname} at {where}: {template(msg)}", f"{tname}: {msg}")
        return False
    return True


# ---------------------------------------------------------------------------
# Results: type, dtype, values
# ---------------------------------------------------------------------------
def host(a: Any) -> np.ndarray:
    """A result as a NumPy array of Python-comparable numbers (float64 / complex128 / longdouble)."""
    if O.is_torch(a):
        t = a.detach().cpu()
        if t.dtype.is_complex:
            return t.to(torch.complex128).numpy()
        if t.dtype.is_floating_point:
            return t.to(torch.float64).numpy()
        return t.numpy()
    arr = np.asarray(np.ma.getdata(a)) if isinstance(a, np.ma.MaskedArray) else np.asarray(a)
    return arr


def _fraction(v: Any) -> Any:
    if isinstance(v, (complex, np.complexfloating)):
        return O.CF(_fraction(v.real), _fraction(v.imag))
    if isinstance(v, np.longdouble) and not isinstance(v, float):
        return Fraction(*v.as_integer_ratio())
    return Fraction(float(v)) if not isinstance(v, (int, np.integer)) else Fraction(int(v))


def _finite(v: Any) -> bool:
    if isinstance(v, (complex, np.complexfloating)):
        return bool(np.isfinite(v.real) and np.isfinite(v.imag))
    return bool(np.isfinite(v))


def _isnan(v: Any) -> bool:
    if isinstance(v, (complex, np.complexfloating)):
        return bool(np.isnan(v.real) or np.isnan(v.imag))
    return bool(np.isnan(v))


def at_range_limit(ref: O.Ref, idx: tuple, dtype: Any, weights_extreme: bool) -> bool:
    """Whether data, weights or result reach the ends of the float range at ``idx``,
    where a non-finite or flushed-to-zero result is a limitation, not a defect."""
    big, tiny = O.finfo_of(dtype)
    lim = Fraction(big) / 2**24
    if weights_extreme:
        return True
    if ref.maxf[idx] > lim or ref.wsum[idx] > lim or ref.scale[idx] > lim:
        return True
    e = ref.exact[idx]
    return not isinstance(e, str) and O.mag(e) > Fraction(big) / 2**8


def weights_extreme(axes: Sequence[O.AxisModel], dtype: Any) -> bool:
    """Whether some weight on these axes is beyond ~2**±(range - 24) of ``dtype``."""
    big, tiny = O.finfo_of(dtype)
    hi, lo = Fraction(big) / 2**24, Fraction(tiny) * 2**76
    for m in axes:
        for i in range(m.n):
            _, w = m.weights(i)
            for x in w:
                a = O.mag(x)
                if a and (a > hi or a < lo):
                    return True
            if not m.uniform and m.coords is not None and 0 < i < m.n - 1:
                # The closed forms multiply two neighbouring gaps (hl*hr, or
                # dx1*(dx1+dx2) in numpy's edge rule): their product can leave
                # the range even where each weight is representable.
                hl = O.mag(m.coords[i] - m.coords[i - 1])
                hr = O.mag(m.coords[i + 1] - m.coords[i])
                p = hl * hr
                if p and (p > hi or p < lo or (hl + hr) ** 2 < lo):
                    return True
            if m.uniform:
                h = O.mag(m.step)
                if h > hi or h < lo or h ** max(m.order, 1) > hi or h ** max(m.order, 1) < lo:
                    return True
    return False


def compare_to_reference(case: Case, got: Any, ref: O.Ref, dtype: Any, axes, what: str, rtol: float | None = None,
                         ftz: bool = False) -> None:
    """Every value of ``got`` (host array) equals ``ref`` to rounding.

    ``ftz``: the library flushes subnormals to zero (JAX on CPU), so the
    absolute floor is the smallest normal number instead of the smallest subnormal.
    """
    event("values checked against the exact reference")
    rtol = rtol or O.rtol_of(dtype)
    big, tiny = O.finfo_of(dtype)
    if ftz:
        tiny = tiny * 2.0 ** {2.0**-149: 23, 2.0**-24: 10}.get(tiny, 52)
    extreme = None
    r = Fraction(rtol)
    for idx in np.ndindex(*ref.exact.shape):
        g = got[idx]
        e = ref.exact[idx]
        if isinstance(e, str):
            if _finite(g):
                fail(case, "finite-where-nonfinite", f"{what}: {dtype}",
                     f"at {idx}: got {g!r}, but the stencil reads a NaN/inf with a non-zero weight")
                return
            if e == "nan" and not _isnan(g):
                fail(case, "nan-lost", f"{what}: {dtype}", f"at {idx}: got {g!r}, expected NaN (the stencil reads a NaN)")
                return
            continue
        if not _finite(g):
            if ref.nan_zero_weight is not None and ref.nan_zero_weight[idx]:
                continue  # 0 * NaN or 0 * inf inside a closed-form weight: as numpy and torch do
            if extreme is None:
                extreme = weights_extreme(axes, dtype)
            if at_range_limit(ref, idx, dtype, extreme):
                note(case, "nonfinite-at-range-limit", f"{what}: {dtype}", f"at {idx}: got {g!r}, exact {float_of(e)}")
                return
            fail(case, "nonfinite-result", f"{what}: {dtype}", f"at {idx}: got {g!r}, exact {float_of(e)!r}")
            return
        G = _fraction(g)
        diff = O.mag(G - e) if isinstance(e, O.CF) or isinstance(G, O.CF) else abs(G - e)
        n_terms = 12
        tol = r * (O.mag(e) + ref.scale[idx]) + Fraction(tiny) * n_terms * (1 + ref.wsum[idx])
        if diff > tol:
            if extreme is None:
                extreme = weights_extreme(axes, dtype)
            if at_range_limit(ref, idx, dtype, extreme):
                note(case, "inexact-at-range-limit", f"{what}: {dtype}", f"at {idx}: got {g!r}, exact {float_of(e)!r}")
                return
            rel = sf(diff / (O.mag(e) + ref.scale[idx])) if (O.mag(e) + ref.scale[idx]) else float("inf")
            fail(case, "wrong-value", f"{what}: {dtype}",
                 f"at {idx}: got {g!r}, exact {float_of(e)!r}, error {sf(diff):.3g} "
                 f"({rel:.3g} of the rounding scale; allowed {rtol:g})")
            return


def sf(e: Fraction) -> float:
    """float(e), saturating to +-inf instead of raising OverflowError."""
    try:
        return float(e)
    except OverflowError:
        return float("inf") if e > 0 else float("-inf")


def float_of(e: Any) -> Any:
    if isinstance(e, O.CF):
        return complex(sf(e.re), sf(e.im))
    if isinstance(e, Fraction):
        return sf(e)
    return e


# ---------------------------------------------------------------------------
# Expected dtypes (docs/compat.md, "Dtype rules")
# ---------------------------------------------------------------------------
_NP_COMPLEX = {"float16": "complex64", "float32": "complex64", "float64": "complex128", "longdouble": "clongdouble"}


def native_dtype(d: O.DataModel, steps_complex: bool) -> Any:
    if d.lib == "numpy":
        base = np.dtype(np.float64) if d.kind == "integer" else np.dtype(d.dtype)
        if steps_complex and base.kind == "f":
            return np.dtype(_NP_COMPLEX[base.name if base.name in _NP_COMPLEX else "longdouble"])
        return base
    if d.lib == "torch":
        base = torch.get_default_dtype() if d.kind == "integer" else d.dtype
        if steps_complex and not base.is_complex:
            return torch.complex128 if base == torch.float64 else torch.complex64
        return base
    import jax.numpy as jnp

    base = jnp.asarray(0.0).dtype if d.kind == "integer" else d.dtype
    if steps_complex and not jnp.issubdtype(base, jnp.complexfloating):
        return jnp.complex128 if base == jnp.float64 else jnp.complex64
    return base


def is_complex_step(m: O.AxisModel) -> bool:
    return isinstance(m.step, O.CF)


def check_array_kind(case: Case, out: Any, d: O.DataModel, what: str) -> bool:
    ok = {
        "numpy": isinstance(out, np.ndarray),
        "torch": O.is_torch(out),
        "jax": O.is_jax(out),
    }[d.lib]
    if not ok:
        fail(case, "wrong-type", f"{what}: {type(out).__name__} for {d.lib} input", f"got {type(out)!r}")
        return False
    if tuple(out.shape) != tuple(d.shape):
        fail(case, "wrong-shape", what, f"got shape {tuple(out.shape)}, expected {tuple(d.shape)}")
        return False
    return True


def check_mask(case: Case, out: Any, d: O.DataModel, ref: O.Ref, what: str) -> None:
    """Masked input: the result is masked where its stencil reads a masked sample."""
    if d.mask is None:
        return
    if not isinstance(out, np.ma.MaskedArray):
        fail(case, "mask-lost", f"{what}: {type(out).__name__}", "a masked input gave a result without a mask")
        return
    got = np.ma.getmaskarray(out)
    if not np.array_equal(got, ref.mask):
        bad = np.argwhere(got != ref.mask)[0]
        fail(case, "wrong-mask", what, f"at {tuple(bad)}: mask {bool(got[tuple(bad)])}, expected {bool(ref.mask[tuple(bad)])}")


def check_no_alias(case: Case, out: Any, f: Any, what: str) -> None:
    if isinstance(out, np.ndarray) and isinstance(f, np.ndarray) and out.size and np.may_share_memory(out, f):
        fail(case, "result-aliases-input", what, "the result shares memory with the input")
    if O.is_torch(out) and O.is_torch(f) and out.numel() and f.numel():
        if out.untyped_storage().data_ptr() == f.untyped_storage().data_ptr():
            fail(case, "result-aliases-input", what, "the result shares storage with the input")


def values_where_unmasked(got_host: np.ndarray, ref: O.Ref) -> O.Ref:
    """Drop the masked points from the comparison (their values are not specified)."""
    if ref.mask is None:
        return ref
    exact = ref.exact.copy()
    for idx in np.ndindex(*exact.shape):
        if ref.mask[idx]:
            exact[idx] = "skip"
    return O.Ref(exact, ref.scale, ref.wsum, ref.maxf, ref.mask, ref.nan_zero_weight)


def compare_unmasked(case, got_host, ref, dtype, axes, what, rtol=None, ftz=False):
    if ref.mask is not None:
        keep = ~ref.mask
        sub = O.Ref(ref.exact[keep], ref.scale[keep], ref.wsum[keep], ref.maxf[keep], None,
                    None if ref.nan_zero_weight is None else ref.nan_zero_weight[keep])
        compare_to_reference(case, got_host[keep], sub, dtype, axes, what, rtol, ftz)
    else:
        compare_to_reference(case, got_host, ref, dtype, axes, what, rtol, ftz)


def summary(v: Any) -> str:
    try:
        if isinstance(v, tuple):
            return "(" + ", ".join(summary(x) for x in v) + ")"
        return f"{type(v).__name__} dtype={getattr(v, 'dtype', '?')} shape={tuple(getattr(v, 'shape', ()))}"
    except Exception:  # noqa: BLE001
        return type(v).__name__


# ---------------------------------------------------------------------------
# gradkit.gradient / gradkit.derivative
# ---------------------------------------------------------------------------
def _model(case: Case, f, args, kwargs):
    if case.func == "gradient":
        return O.model_gradient(f, *args, **kwargs)
    if case.func == "derivative":
        return O.model_derivative(f, *args, **kwargs)
    if case.func == "numpy_gradient":
        return O.model_numpy(f, tuple(args), **kwargs)
    if case.func == "torch_gradient":
        return O.model_torch(f, *args, **kwargs)
    raise ValueError(case.func)


def describe(axes: Sequence[O.AxisModel]) -> str:
    parts = []
    for m in axes:
        grid = ("complex step" if is_complex_step(m) else "uniform") if m.uniform else ("traced coords" if m.traced else "coords")
        parts.append(
            f"order {m.order}, accuracy {m.accuracy}, edge_order {m.edge_order}, "
            f"{'periodic' if m.periodic else 'one-sided'}, {grid}"
            + (", NEGATIVE period on increasing coordinates" if m.negative_period else "")
        )
    return "; ".join(parts)


def check_native_call(func: str, case: Case) -> None:
    out = run(case)
    f, args, kwargs = case.build()
    try:
        d, axes = _model(case, f, args, kwargs)
        model_error = None
        if kwargs.get("out") is not None and not _out_ok(kwargs["out"], d, axes, case.func):
            model_error = "out= of the wrong library, shape, dtype or count"
    except O.Invalid as exc:
        d, axes, model_error = None, None, str(exc)
    if out.raised:
        if check_exception(case, out.exc) and model_error is None:
            note(case, "refused-valid", f"{type(out.exc).__name__}: {template(str(out.exc))}", str(out.exc))
        return
    if model_error is not None:
        fail(case, "accepted-invalid", model_error, f"returned {summary(out.value)} instead of raising")
        return
    given_out = out.built[2].get("out")
    if given_out is not None:
        results = out.value if case.func == "gradient" else (out.value,)
        targets = given_out if case.func == "gradient" else (given_out,)
        if any(r is not t for r, t in zip(results, targets)):
            fail(case, "out-not-returned", case.func, "the results are not the out= arrays")
            return
    check_native_result(case, out.value, out.built[0], d, axes)


def _out_ok(given: Any, d: O.DataModel, axes: list, func: str) -> bool:
    """out= matches the results (library, shape, dtype; one per output)."""
    items = given if func == "gradient" else [given]
    if func == "gradient" and (not isinstance(given, (list, tuple)) or len(given) != len(axes)):
        return False
    groups = [[m] for m in axes] if func == "gradient" else [axes]
    for o, ax in zip(items, groups):
        want = native_dtype(d, any(is_complex_step(m) for m in ax))
        if tuple(getattr(o, "shape", ())) != tuple(d.shape) or getattr(o, "dtype", None) != want:
            return False
        if d.lib == "numpy" and not isinstance(o, np.ndarray) or d.lib == "torch" and not O.is_torch(o):
            return False
    return True


def check_native_result(case: Case, value: Any, f_built: Any, d: O.DataModel, axes: list) -> None:
    func = case.func
    if func == "gradient":
        if not isinstance(value, tuple) or len(value) != len(axes):
            fail(case, "wrong-structure", f"{type(value).__name__}", f"expected a tuple of {len(axes)} arrays, got {summary(value)}")
            return
        outputs = [(v, [m]) for v, m in zip(value, axes)]
    else:
        outputs = [(value, axes)]
    for k, (v, ax) in enumerate(outputs):
        what = f"{func} output {k}: {describe(ax)}"
        if not check_array_kind(case, v, d, what):
            return
        want = native_dtype(d, any(is_complex_step(m) for m in ax))
        if v.dtype != want:
            fail(case, "wrong-dtype", f"{func}: {d.dtype} data -> {v.dtype}", f"expected {want}, got {v.dtype}")
            return
        check_no_alias(case, v, f_built, what)
        ref = O.reference(d, ax)
        check_mask(case, v, d, ref, what)
        compare_unmasked(case, host(v), ref, v.dtype, ax, what, ftz=O.is_jax(v))


# ---------------------------------------------------------------------------
# gradient vs numpy.gradient (the shared cases)
# ---------------------------------------------------------------------------
def check_gradient_vs_numpy(case: Case) -> None:
    out = run(case)
    f, args, kwargs = case.build()
    try:
        d, axes = O.model_gradient(f, **kwargs)
    except O.Invalid:
        if not out.raised:
            fail(case, "accepted-invalid", "shared case", summary(out.value))
        elif check_exception(case, out.exc):
            pass
        return
    if out.raised:
        if check_exception(case, out.exc):
            note(case, "refused-valid", type(out.exc).__name__, str(out.exc))
        return
    # numpy.gradient on the same numbers
    spacing = kwargs.get("spacing", 1)
    dims = kwargs.get("dim", kwargs.get("axis"))
    if isinstance(spacing, (list, tuple)):
        varargs = tuple(spacing)
    elif O.arg_ndim(spacing) == 1:
        varargs = (spacing,)
    else:
        varargs = (spacing,)
    eo = kwargs.get("edge_order") or 1
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            expected = np.gradient(f, *varargs, axis=dims, edge_order=eo)
        except Exception as exc:  # noqa: BLE001
            note(case, "numpy-refuses", type(exc).__name__, str(exc))
            return
    if caught:
        return
    if not isinstance(expected, (tuple, list)):
        expected = (expected,)
    if len(expected) != len(out.value):
        fail(case, "wrong-structure", "vs numpy", f"{len(out.value)} outputs, numpy {len(expected)}")
        return
    for k, (g, e, m) in enumerate(zip(out.value, expected, axes)):
        ref = O.reference(d, [m])
        rtol = O.rtol_of(g.dtype)
        if g.dtype != e.dtype:
            fail(case, "wrong-dtype", f"vs numpy: {g.dtype} vs {e.dtype}", "")
            return
        close_to(case, host(g), np.asarray(e), ref, rtol, f"gradient output {k} vs numpy.gradient: {describe([m])}",
                 [m], g.dtype)


def close_to(case: Case, got: np.ndarray, expected: np.ndarray, ref: O.Ref, rtol: float, what: str,
             axes: Sequence[O.AxisModel] = (), dtype: Any = "float64") -> bool:
    """|got - expected| <= rtol*|expected| + rtol*max|f|*sum|w| (the spec's tolerance), NaN = NaN.

    Where they differ by more, but ``got`` is right to rounding by the exact
    reference and the original is further from it (ill-conditioned grids,
    overflow of an intermediate in the original), the original is the
    imprecise one: that is noted, not failed.
    """
    event("values checked against the original")
    got = np.asarray(got)
    expected = np.asarray(expected)
    for idx in np.ndindex(*got.shape):
        g, e = got[idx], expected[idx]
        if not (_finite(g) and _finite(e)):
            same = (_isnan(g) and _isnan(e)) or (not _isnan(g) and not _isnan(e) and g == e)
            if not same:
                if _finite(g) and _right_by_reference(g, ref, idx, rtol):
                    note(case, "original-imprecise", what, f"at {idx}: got {g!r}, original {e!r}")
                    continue
                if ref is not None and at_range_limit(ref, idx, dtype, weights_extreme(axes, dtype)):
                    note(case, "nonfinite-at-range-limit", what, f"at {idx}: got {g!r}, original {e!r}")
                    continue
                fail(case, "mismatch-nonfinite", what, f"at {idx}: got {g!r}, original {e!r}")
                return False
            continue
        floor = Fraction(rtol) * ref.maxf[idx] * ref.wsum[idx] if ref is not None else 0
        tol = Fraction(rtol) * O.mag(_fraction(e)) + floor
        diff = _dist(g, e)
        if diff > tol:
            E = ref.exact[idx]
            if _right_by_reference(g, ref, idx, rtol) and not isinstance(E, str) and _dist(e, E) > _dist(g, E):
                note(case, "original-imprecise", what, f"at {idx}: got {g!r}, original {e!r}, exact {float_of(E)!r}")
                continue
            extra = "" if isinstance(E, str) else f", exact {float_of(E)!r}"
            fail(case, "mismatch", what, f"at {idx}: got {g!r}, original {e!r}{extra} (diff {sf(diff):.3g}, allowed {sf(tol):.3g})")
            return False
    return True


def _dist(a: Any, b: Any) -> Fraction:
    fa = _fraction(a) if not isinstance(a, (Fraction, O.CF)) else a
    fb = _fraction(b) if not isinstance(b, (Fraction, O.CF)) else b
    if isinstance(fa, O.CF) or isinstance(fb, O.CF):
        return O.mag(O.CF.of(fa) - O.CF.of(fb))
    return abs(fa - fb)


def _right_by_reference(g: Any, ref: O.Ref | None, idx: tuple, rtol: float) -> bool:
    if ref is None or isinstance(ref.exact[idx], str) or not _finite(g):
        return False
    E = ref.exact[idx]
    return _dist(g, E) <= Fraction(rtol) * (O.mag(E) + ref.scale[idx])


def finite_where_expected(orig: Outcome, refs: Sequence[O.Ref]) -> bool:
    """The original is finite wherever the exact answer is finite and representable."""
    for o, ref in zip(_outputs(orig.value), refs):
        h = host(o)
        if h.dtype.kind not in "fcmM" or h.shape != ref.exact.shape:
            continue
        big = Fraction(O.finfo_of(str(getattr(o, "dtype", h.dtype)))[0]) * (1 - Fraction(1, 10**12))
        for idx in np.ndindex(*h.shape):
            E = ref.exact[idx]
            if isinstance(E, str) or O.mag(E) > big:
                continue
            v = h[idx]
            if (h.dtype.kind in "mM" and np.isnat(v)) or (h.dtype.kind in "fc" and not _finite(v)):
                return False
    return True


# ---------------------------------------------------------------------------
# Polynomials
# ---------------------------------------------------------------------------
def _poly_derivative(coeffs: Sequence[int], k: int, x: Fraction) -> Fraction:
    total = Fraction(0)
    for p, c in enumerate(coeffs):
        if p >= k:
            total += c * math.perm(p, k) * x ** (p - k)
    return total


def check_polynomial(case: Case) -> None:
    out = run(case)
    if out.raised:
        check_exception(case, out.exc)
        fail(case, "refused-valid", f"{type(out.exc).__name__}: {template(str(out.exc))}", str(out.exc))
        return
    f, args, kwargs = case.build()
    d, axes = _model(case, f, args, kwargs)
    coeffs = case.meta_get("coeffs")
    coords = [[Fraction(s) for s in xs] for xs in case.meta_get("coords")]
    order = case.meta_get("order")
    values = out.value if case.func == "gradient" else (out.value,)
    for v, m in zip(values, axes):
        ref = O.reference(d, [m])
        a = m.axis
        exact = np.empty(d.shape, dtype=object)
        for idx in np.ndindex(*d.shape):
            exact[idx] = _poly_derivative(coeffs[a], order, coords[a][idx[a]])
            if order == 0:
                exact[idx] = sum(_poly_derivative(coeffs[b], 0, coords[b][idx[b]]) for b in range(len(d.shape)))
        # the stencil value must be the polynomial's derivative; the rounding scale is the reference's
        poly_ref = O.Ref(exact, ref.scale, ref.wsum, ref.maxf)
        compare_to_reference(case, host(v), poly_ref, v.dtype, [m], f"{case.func} of a polynomial: {describe([m])}")


# ---------------------------------------------------------------------------
# The drop-ins
# ---------------------------------------------------------------------------
def run_original(case: Case) -> Outcome:
    """numpy.gradient / torch.gradient on the same (fresh) arguments, warnings recorded."""
    fn = np.gradient if case.func == "numpy_gradient" else torch.gradient
    return run(case, fn=fn, as_errors=False)


def _outputs(value: Any) -> list:
    return list(value) if isinstance(value, (tuple, list)) else [value]


def _data_finite(d: O.DataModel) -> bool:
    return all(not isinstance(v, (float, complex, str)) for v in d.values.ravel())


def original_valid(orig: Outcome, d: O.DataModel | None) -> bool:
    """The original returned (no exception) without a warning; see also :func:`finite_where_expected`."""
    return not (orig.raised or orig.warnings or d is None)


def numpy_differences(d: O.DataModel, f: Any, args: Sequence[Any]) -> list[str]:
    """docs/compat.md's value differences of numpy_gradient that apply to this call."""
    out = []
    if d.kind == "time":
        out.append("datetime rounding")
    if d.lib == "numpy" and np.dtype(d.dtype) == np.float16:
        out.append("float16 computed in float32")
    try:
        arr = np.asarray(np.ma.getdata(f)) if isinstance(f, (np.ndarray, list)) else None
    except Exception:  # noqa: BLE001
        arr = None
    if arr is not None and arr.dtype == object:
        out.append("object data converted to float64")
    for v in args:
        if isinstance(v, np.ndarray) and v.ndim == 1 and v.dtype.kind == "f" and v.dtype.itemsize < 8:
            out.append("low-precision coordinates computed in float64")
    return out


def torch_differences(d: O.DataModel, axes: Sequence[O.AxisModel], kwargs: dict) -> list[str]:
    out = []
    if d.kind == "integer":
        out.append("integer data converted first")
    if d.dtype in (torch.float16, torch.bfloat16):
        out.append("half precision computed in float32")
    if kwargs.get("edge_order", 1) not in (1, 2) or isinstance(kwargs.get("edge_order", 1), bool):
        out.append("edge_order > 2")
    spacing = kwargs.get("spacing", 1)
    items = spacing if isinstance(spacing, (list, tuple)) else [spacing]
    real = {torch.complex64: torch.float32, torch.complex128: torch.float64}.get(d.dtype, d.dtype)
    for v, m in zip(items if len(items) == len(axes) else [spacing] * len(axes), axes):
        if m.coords is None and m.step is not None and O.arg_ndim(v) == 1:
            out.append("exactly uniform coordinates")
        if O.arg_ndim(v) == 1:
            if not O.is_torch(v):
                out.append("coordinates that are not tensors")
            elif not v.dtype.is_floating_point:
                out.append("integer coordinates")
            elif v.dtype != real:
                out.append("coordinates of another precision")
        elif O.is_torch(v) and v.ndim == 0:
            out.append("0-d tensor step")
    return out


def dropin_dtype(case: Case, d: O.DataModel, axes: Sequence[O.AxisModel], kwargs: dict, m: O.AxisModel, k: int) -> Any:
    """The documented dtype of output ``k`` (used where the original gives no answer)."""
    if case.func == "numpy_gradient":
        if d.kind == "time":
            return np.dtype(np.dtype(d.dtype).str.replace("M8", "m8"))
        return native_dtype(d, is_complex_step(m))
    base = torch.get_default_dtype() if d.kind == "integer" else d.dtype
    spacing = kwargs.get("spacing", 1)
    items = spacing if isinstance(spacing, (list, tuple)) else [spacing] * len(axes)
    v = items[k] if k < len(items) else spacing
    if O.arg_ndim(v) == 1:
        if O.is_torch(v) and (v.dtype.is_floating_point):
            cf = v.dtype
        elif isinstance(v, np.ndarray) and v.dtype.kind == "f":
            cf = torch.from_numpy(np.zeros(0, v.dtype)).dtype
        else:
            return torch.promote_types(base, torch.get_default_dtype())
        # floating coordinates promote with the data's own dtype (int32 data
        # and bfloat16 coordinates give bfloat16 in torch)
        return torch.promote_types(d.dtype, cf)
    return native_dtype(d, is_complex_step(m))


def _masked_equal(g, e) -> bool:
    return np.array_equal(np.ma.getmaskarray(g), np.ma.getmaskarray(e))


def exact_equal(g: Any, e: Any) -> bool:
    """Bit-for-bit equal values (NaN equal to NaN); masked points ignored."""
    gh, eh = host(g), host(e)
    if gh.shape != eh.shape:
        return False
    if isinstance(e, np.ma.MaskedArray):
        keep = ~np.ma.getmaskarray(e)
        gh, eh = gh[keep], eh[keep]
    try:
        np.testing.assert_array_equal(gh, eh)
        return True
    except AssertionError:
        return False


def check_dropin(case: Case, exact: bool = False) -> None:
    orig = run_original(case)
    out = run(case, allowed=tuple({w.category for w in orig.warnings or ()}))
    f, args, kwargs = case.build()
    try:
        d, axes = _model(case, f, args, kwargs)
        model_error = None
    except O.Invalid as exc:
        d, axes, model_error = None, None, str(exc)
    refs = [O.reference(d, [m]) for m in axes] if model_error is None else []
    valid = model_error is None and original_valid(orig, d) and finite_where_expected(orig, refs)
    if case.func == "numpy_gradient":
        diffs = numpy_differences(d, f, args) if d is not None else []
    else:
        diffs = torch_differences(d, axes, kwargs) if d is not None else []
    if exact:
        if not valid or diffs or out.raised:
            if isinstance(out.exc, compat.TorchUnsupportedDtypeError) and "complex32" in str(out.exc):
                note(case, "refused-valid", "complex32 (documented)", str(out.exc))
            elif out.raised and valid and check_exception(case, out.exc):
                fail(case, "refused-valid", f"{type(out.exc).__name__}: {template(str(out.exc))}", str(out.exc))
            return
        outs, exps = _outputs(out.value), _outputs(orig.value)
        for k, (g, e, m) in enumerate(zip(outs, exps, axes)):
            if type(g) is not type(e) or g.dtype != e.dtype or tuple(g.shape) != tuple(e.shape):
                fail(case, "wrong-type-or-dtype", f"{type(g).__name__} {g.dtype} vs {type(e).__name__} {e.dtype}", "")
                return
            if isinstance(e, np.ma.MaskedArray) and not mask_vs_numpy(case, g, e, refs[k], describe([m])):
                return
            event("compared bit for bit")
            if not exact_equal(g, e):
                ref = refs[k]
                rtol = max(O.rtol_of(g.dtype), O.rtol_of(d.dtype))
                close = _quiet_close(host(g), host(e), ref, rtol, e)
                if close:
                    kind = "exact-only"
                else:
                    gh, eh = host(g), host(e)
                    differing = [i for i in np.ndindex(*gh.shape)
                                 if not ((_isnan(gh[i]) and _isnan(eh[i])) or gh[i] == eh[i])]
                    right = [_right_by_reference(gh[i], ref, i, rtol) or isinstance(ref.exact[i], str) for i in differing]
                    extreme = weights_extreme([m], g.dtype)
                    limit = [at_range_limit(ref, i, g.dtype, extreme) for i in differing]
                    if all(right):
                        kind = "original-wrong (the drop-in is right by the exact reference)"
                    elif all(r or lim for r, lim in zip(right, limit)):
                        kind = "range-limit (data, weights or result at the ends of the float range)"
                    else:
                        kind = "wrong"
                worst = _worst(host(g), host(e), e)
                fail(case, "not-bit-identical", f"{kind}: {g.dtype}, {describe([m])}", f"output {k}: {worst}")
                return
        return
    # ----- closeness and everything else
    if not out.raised and not orig.raised and _same_as_original(out.value, orig.value):
        return  # the original's very answer (its inf/nan at underflowed gaps included) is the drop-in's contract
    if out.raised:
        if isinstance(out.exc, compat.TorchUnsupportedDtypeError) and "complex32" in str(out.exc):
            # docs/compat.md: complex32 is refused even where torch multiplies only
            note(case, "refused-valid", "complex32 (documented)", str(out.exc))
        elif check_exception(case, out.exc) and valid:
            fail(case, "refused-valid", f"{type(out.exc).__name__}: {template(str(out.exc))}",
                 f"{out.exc}\nthe original returned {summary(orig.value)}")
        elif model_error is None and not out.raised:
            pass
        return
    value = out.value
    if model_error is not None:
        if not orig.raised and _same_as_original(value, orig.value):
            return
        canonical = _torch_canonical(case, f, kwargs)
        if canonical is not None and _same_as_original(value, canonical):
            return  # a form only gradkit takes (a bare coordinate tensor): torch's answer for the wrapped form
        fail(case, "accepted-invalid", model_error,
             f"returned {summary(value)}; the original {'raised ' + type(orig.exc).__name__ if orig.raised else 'returned ' + summary(orig.value)}")
        return
    # structure
    if case.func == "numpy_gradient":
        single = len(axes) == 1
        if single and isinstance(value, tuple) or not single and not isinstance(value, tuple):
            fail(case, "wrong-structure", f"{len(axes)} axes -> {type(value).__name__}", summary(value))
            return
    elif not isinstance(value, tuple):
        fail(case, "wrong-structure", f"{type(value).__name__}", "torch_gradient must return a tuple")
        return
    outs = _outputs(value) if (case.func == "torch_gradient" or len(axes) != 1) else [value]
    if len(outs) != len(axes):
        fail(case, "wrong-structure", f"{len(outs)} outputs for {len(axes)} axes", summary(value))
        return
    exps = _outputs(orig.value) if valid else [None] * len(axes)
    for k, (g, e, m) in enumerate(zip(outs, exps, axes)):
        what = f"{case.func} output {k}: {describe([m])}"
        if d.lib == "numpy" and not isinstance(g, np.ndarray) or d.lib == "torch" and not O.is_torch(g):
            fail(case, "wrong-type", f"{type(g).__name__}", what)
            return
        if tuple(g.shape) != tuple(d.shape):
            fail(case, "wrong-shape", what, f"{tuple(g.shape)} vs {d.shape}")
            return
        if e is not None:
            want_type = type(e)
            want_dtype = np.dtype(np.float64) if "object data converted to float64" in diffs else e.dtype
        else:
            want_type = (d.container if d.container is not None and d.container is not np.matrix else np.ndarray) if d.lib == "numpy" else torch.Tensor
            if isinstance(f, np.matrix):
                want_type = np.matrix
            want_dtype = dropin_dtype(case, d, axes, kwargs, m, k)
        if d.lib == "numpy" and type(g) is not want_type and not (want_type is torch.Tensor):
            fail(case, "wrong-type", f"{type(g).__name__} instead of {want_type.__name__}", what)
            return
        if g.dtype != want_dtype:
            fail(case, "wrong-dtype", f"{case.func}: {d.dtype} data -> {g.dtype}, expected {want_dtype}", what)
            return
        check_no_alias(case, g, out.built[0], what)
        ref = refs[k]
        if d.mask is not None or isinstance(f, np.ma.MaskedArray):
            if e is not None and isinstance(e, np.ma.MaskedArray):
                if not mask_vs_numpy(case, g, e, ref, what):
                    return
            else:
                check_mask(case, g, d, ref, what)
        if d.kind == "time":
            compare_time(case, g, ref, what)
            continue
        if e is not None and not diffs:
            rtol = max(O.rtol_of(g.dtype), O.rtol_of(d.dtype))
            keep = ~np.ma.getmaskarray(e) if isinstance(e, np.ma.MaskedArray) else np.ones(d.shape, bool)
            sub = O.Ref(ref.exact[keep], ref.scale[keep], ref.wsum[keep], ref.maxf[keep])
            close_to(case, host(g)[keep], host(e)[keep], sub, rtol, what + " vs the original", [m], g.dtype)
        else:
            # The drop-ins compute as the original does: in the precision of the
            # data and of the coordinates (torch: float32 edges with float32
            # coordinates; half data in half), so their rounding is that of the
            # least precise operand.
            tol_dtype = g.dtype
            low = [v.dtype for v in _coordinate_args(args, kwargs) if getattr(v, "dtype", None) is not None]
            if case.func == "torch_gradient" and ("coordinates that are not tensors" in diffs
                                                  or "integer coordinates" in diffs):
                # a list becomes torch.tensor(list), integer coordinates promote: the default float
                low.append(torch.get_default_dtype())
            for cand in [d.dtype, *low]:
                if O.rtol_of(cand) > O.rtol_of(tol_dtype) and "int" not in str(cand):
                    tol_dtype = cand
            rtol = None
            if tol_dtype != g.dtype:
                # Coordinates rounded to a lower precision than the output:
                # their steps carry that rounding times max|x| / min|step|
                # (100.0, 100.1, ... in float32: a thousand times float32's
                # epsilon), which the exact reference on the given values
                # does not see.
                rtol = O.rtol_of(tol_dtype) * max(1.0, _coordinate_condition(kwargs.get("spacing")))
            compare_unmasked(case, host(g), ref, tol_dtype, [m], what + (f" ({', '.join(diffs)})" if diffs else ""),
                             rtol=rtol)


def _coordinate_condition(spacing: Any) -> float:
    """max |x| / min |step| over the 1-D coordinate lists and arrays in ``spacing``."""
    worst = 1.0
    for v in list(spacing) if isinstance(spacing, (list, tuple)) else [spacing]:
        try:
            x = np.asarray(v.tolist() if hasattr(v, "tolist") else v, dtype=np.float64)
        except (TypeError, ValueError):
            continue
        if x.ndim != 1 or x.size < 2 or not np.all(np.isfinite(x)):
            continue
        steps = np.abs(np.diff(x))
        steps = steps[steps > 0]
        if steps.size:
            with np.errstate(over="ignore"):  # a subnormal step: the condition is beyond the float range
                worst = max(worst, float(np.abs(x).max() / steps.min()))
    return min(worst, 1e300)  # finite, so that the tolerance stays a number


def _coordinate_args(args: Sequence[Any], kwargs: dict) -> list:
    """The 1-D coordinate arrays among a drop-in call's spacing arguments."""
    items = list(args)
    spacing = kwargs.get("spacing")
    if spacing is not None:
        items += list(spacing) if isinstance(spacing, (list, tuple)) else [spacing]
    return [v for v in items if O.arg_ndim(v) == 1 and hasattr(v, "dtype")]


def mask_vs_numpy(case: Case, g: Any, e: Any, ref: O.Ref, what: str) -> bool:
    """The drop-in's mask is numpy.gradient's."""
    if not isinstance(g, np.ma.MaskedArray):
        fail(case, "mask-lost", what, "numpy.gradient returns a masked array here")
        return False
    gm, em = np.ma.getmaskarray(g), np.ma.getmaskarray(e)
    if np.array_equal(gm, em):
        return True
    stencil = ref.mask if ref.mask is not None else np.zeros(gm.shape, bool)
    if np.array_equal(gm, stencil) and np.all(em >= gm):
        fail(case, "mask-differs-from-numpy",
             "numpy also masks results its masked arithmetic rejects (non-finite results, or a numerator "
             "beyond np.ma.divide's domain, |a| * tiny >= |b|); numpy_gradient masks only what the stencils read",
             f"mask {gm.tolist()}, numpy {em.tolist()}")
    else:
        fail(case, "wrong-mask", what, f"mask {gm.tolist()}, numpy {em.tolist()}, stencil reach {stencil.tolist()}")
    return False


def _torch_canonical(case: Case, f: Any, kwargs: dict) -> Any:
    """torch.gradient on the form torch takes for an input only gradkit
    takes, or None when that does not apply: a bare 1-D coordinate tensor
    (wrapped in a list), unsigned integer data torch cannot subtract
    (uint16/32/64: docs/compat.md, torch's arithmetic on the data widened to
    int64)."""
    if case.func != "torch_gradient":
        return None
    spacing = kwargs.get("spacing")
    changed = False
    if O.is_torch(spacing) and spacing.ndim == 1:
        kwargs, changed = {**kwargs, "spacing": [spacing]}, True
    try:
        if O.is_torch(f) and f.dtype in (torch.uint16, torch.uint32, torch.uint64):
            wide = f.to(torch.int64)
            if wide.numel() and (int(wide.min()) < 0 or int(wide.max()) >= 1 << 62):
                return None  # beyond 2**62 (or wrapped): converted to a float first, not this form
            f, changed = wide, True
        return torch.gradient(f, **kwargs) if changed else None
    except Exception:  # noqa: BLE001
        return None


def _same_as_original(value, orig_value) -> bool:
    a, b = _outputs(value), _outputs(orig_value)
    if len(a) != len(b):
        return False
    for g, e in zip(a, b):
        if getattr(g, "dtype", None) != getattr(e, "dtype", None) or not exact_equal(g, e):
            return False
    return True


def _quiet_close(g, e, ref, rtol, orig) -> bool:
    keep = ~np.ma.getmaskarray(orig) if isinstance(orig, np.ma.MaskedArray) else np.ones(g.shape, bool)
    for idx in np.ndindex(*g.shape):
        if not keep[idx]:
            continue
        a, b = g[idx], e[idx]
        if not (_finite(a) and _finite(b)):
            if not ((_isnan(a) and _isnan(b)) or a == b):
                return False
            continue
        tol = Fraction(rtol) * (O.mag(_fraction(b)) + ref.maxf[idx] * ref.wsum[idx])
        if O.mag(O.CF.of(_fraction(a)) - O.CF.of(_fraction(b))) > tol:
            return False
    return True


def _worst(g, e, orig) -> str:
    keep = ~np.ma.getmaskarray(orig) if isinstance(orig, np.ma.MaskedArray) else np.ones(g.shape, bool)
    bad = [(idx, g[idx], e[idx]) for idx in np.ndindex(*g.shape) if keep[idx] and not (
        (_isnan(g[idx]) and _isnan(e[idx])) or g[idx] == e[idx])]
    if not bad:
        return "equal"
    idx, a, b = bad[0]
    return f"{len(bad)} of {g.size} values differ; at {idx}: got {a!r}, original {b!r}"


def compare_time(case: Case, g: Any, ref: O.Ref, what: str) -> None:
    """datetime data: the exact value to within the truncations of numpy's
    timedelta arithmetic (each of at most three weighted terms, and the
    division, truncate to whole units); NaT where a NaT is read, and where
    the exact value is beyond the int64 range of a timedelta."""
    ints = np.asarray(np.ma.getdata(g)).view(np.int64)
    nat = np.iinfo(np.int64).min
    for idx in np.ndindex(*ints.shape):
        if ref.mask is not None and ref.mask[idx]:
            continue
        e = ref.exact[idx]
        v = int(ints[idx])
        if isinstance(e, str):
            if v != nat:
                fail(case, "nat-lost", what, f"at {idx}: got {v}, expected NaT (the stencil reads a NaT)")
                return
            continue
        if v == nat and not isinstance(e, O.CF) and abs(e) > np.iinfo(np.int64).max:
            continue  # no timedelta holds it
        if v == nat or abs(Fraction(v) - e) > 3 + Fraction(1, 10**9) * ref.scale[idx] + Fraction(1, 10**6):
            fail(case, "wrong-value", what + ": datetime", f"at {idx}: got {v}, exact {sf(e)!r}")
            return


# ---------------------------------------------------------------------------
# gradkit.explain
# ---------------------------------------------------------------------------
def model_explain(f, index, spacing=1, axis=O._UNSET, dim=O._UNSET, order=1, accuracy=2, edge_order=None,
                  boundary="one-sided", period=None):
    d = O.data_model(f)
    nd = len(d.shape)
    if nd == 0:
        raise O.Invalid("0-d data")
    if dim is not O._UNSET and axis is not O._UNSET:
        raise O.Invalid("dim and axis")
    ax = dim if dim is not O._UNSET else axis if axis is not O._UNSET else None
    if ax is None:
        if nd != 1:
            raise O.Invalid("axis needed")
        ax = 0
    if isinstance(ax, (list, tuple)) or isinstance(order, (list, tuple)):
        raise O.Invalid("explain follows one axis")
    (a,) = O.normalize_axes(ax, nd)
    if not O.is_int(order) or order < 0:
        raise O.Invalid("bad order")
    if isinstance(spacing, (list, tuple)) and len(spacing) == 1:
        spacing = spacing[0]
    if O.is_torch(spacing):
        spacing = spacing.detach()
    entry = O.spacing_model(spacing, d.shape[a])
    entry["traced"] = False
    acc = O.positive_int(accuracy, "accuracy")
    periodic = O.boundary_periodic(boundary)
    if edge_order is None:
        eo = (1 if acc == 2 else acc) if order == 1 else acc
    else:
        eo = O.positive_int(edge_order, "edge_order")
    m = O.make_axis(a, d.shape[a], entry, int(order), acc, eo, periodic, period)
    if O.is_int(index) and nd == 1:
        items = (index,)
    elif isinstance(index, (list, tuple)):
        items = tuple(index)
    else:
        raise O.Invalid("bad index")
    if len(items) != nd:
        raise O.Invalid("index of the wrong length")
    full = []
    for v, s in zip(items, d.shape):
        if not O.is_int(v) or not -s <= v < s:
            raise O.Invalid("index out of range")
        full.append(int(v) % s)
    return d, m, tuple(full)


def check_explain(case: Case) -> None:
    out = run(case)
    f, args, kwargs = case.build()
    try:
        d, m, index = model_explain(f, *args, **kwargs)
        model_error = None
    except O.Invalid as exc:
        model_error = str(exc)
    if out.raised:
        if check_exception(case, out.exc) and model_error is None:
            note(case, "refused-valid", f"{type(out.exc).__name__}: {template(str(out.exc))}", str(out.exc))
        return
    if model_error is not None:
        fail(case, "accepted-invalid", model_error, f"returned {out.value!r}")
        return
    e = out.value
    if not isinstance(e, gradkit.Explanation):
        fail(case, "wrong-type", type(e).__name__, "")
        return
    i = index[m.axis]
    offs, w = m.weights(i)
    what = f"explain: {describe([m])}"
    got_offs = tuple(e.offsets)
    missing = [o for o in offs if o not in got_offs]
    extra = [o for o in got_offs if o not in offs]
    if extra or any(w[offs.index(o)] != 0 for o in missing):
        fail(case, "wrong-stencil", what, f"at {i}: offsets {got_offs}, documented stencil {offs}")
        return
    want_idx = tuple(((i + o) % m.n) if m.periodic else i + o for o in got_offs)
    if tuple(e.indices) != want_idx:
        fail(case, "wrong-indices", what, f"indices {tuple(e.indices)}, expected {want_idx}")
        return
    W = [w[offs.index(o)] for o in got_offs]
    wsum = sum((O.mag(x) for x in W), Fraction(0))
    cond = m.condition(i)
    ew = np.asarray(e.weights)
    for k, (a_, b_) in enumerate(zip(ew.ravel(), W)):
        if not _finite(a_):
            if not weights_extreme([m], "float64"):
                fail(case, "wrong-weights", what, f"weight {k} is {a_!r}, exact {float_of(b_)!r}")
            return
        if O.mag(O.CF.of(_fraction(a_)) - O.CF.of(b_)) > Fraction(1, 10**12) * wsum * (1 + cond) + Fraction(5e-324) * 8:
            if not weights_extreme([m], "float64"):
                fail(case, "wrong-weights", what, f"weight {k} is {a_!r}, exact {float_of(b_)!r}")
            return
    # The result is the computation's own output at the point.
    dkw = {"spacing": kwargs.get("spacing", 1), "axis": m.axis, "accuracy": m.accuracy,
           "boundary": "periodic" if m.periodic else "one-sided"}
    if not m.periodic:  # a periodic axis has no edges (edge_order is refused there)
        dkw["edge_order"] = m.edge_order
    if "period" in kwargs:
        dkw["period"] = kwargs["period"]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # explain's own call already ran with warnings as errors
            full = gradkit.derivative(f, m.order, **dkw)
    except Exception as exc:  # noqa: BLE001
        fail(case, "explain-disagrees", f"derivative raised {type(exc).__name__}", str(exc))
        return
    if isinstance(full, np.ma.MaskedArray):
        # numpy's rule in both: a point is masked when its stencil uses a masked sample
        if bool(np.ma.getmaskarray(full)[index]) != (e.result is np.ma.masked):
            fail(case, "explain-disagrees", what, f"explain().result = {e.result!r}, derivative() = {full[index]!r}")
        if e.result is np.ma.masked:
            return
        full = np.ma.getdata(full)
    h = host(full)
    mine = np.asarray(host(np.asarray([e.result]) if not O.is_torch(e.result) else e.result)).ravel()[0]
    theirs = h[index]
    if not ((_isnan(mine) and _isnan(theirs)) or mine == theirs):
        fail(case, "explain-disagrees", what, f"explain().result = {e.result!r}, derivative() = {theirs!r}")
        return
    ref = O.reference(d, [m])
    nanzero = None if ref.nan_zero_weight is None else np.array([ref.nan_zero_weight[index]])
    sub = O.Ref(np.array([ref.exact[index]], dtype=object), np.array([ref.scale[index]], dtype=object),
                np.array([ref.wsum[index]], dtype=object), np.array([ref.maxf[index]], dtype=object),
                None, nanzero)  # 0 * inf at a zero weight: NaN, as numpy and torch give
    if d.mask is None:
        compare_to_reference(case, np.array([mine]), sub, full.dtype, [m], what)
    # Every rendering works.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            str(e), repr(e), e.to_markdown(), e.to_latex(), json.dumps(e.to_dict())
            if case.meta_get("render") == "plot":
                import matplotlib

                matplotlib.use("Agg")
                import matplotlib.pyplot as plt

                fig, ax = plt.subplots()
                try:
                    e.plot(ax=ax)
                finally:
                    plt.close(fig)
        except (ValueError, TypeError) as exc:
            if not str(exc).startswith("explain"):
                fail(case, "render-error", f"{type(exc).__name__} at {_innermost(exc)}: {template(str(exc))}",
                     f"{type(exc).__name__}: {exc}")
        except Exception as exc:  # noqa: BLE001
            fail(case, "render-error", f"{type(exc).__name__} at {_innermost(exc)}", f"{type(exc).__name__}: {exc}")


# ---------------------------------------------------------------------------
# gradkit.weights
# ---------------------------------------------------------------------------
def model_weights(points, order=1, at=0.0):
    import numbers

    if not O.is_int(order) or order < 0:
        raise O.Invalid("bad order")
    if isinstance(at, (bool, np.bool_)) or not isinstance(at, numbers.Real):
        raise O.Invalid("at must be a real number")
    try:
        a = float(at)
    except OverflowError:
        raise O.Invalid("at too large") from None
    if not math.isfinite(a):
        raise O.Invalid("at not finite")
    if isinstance(points, (list, tuple)):
        items = list(points)
        if any(isinstance(p, (list, tuple, np.ndarray)) for p in items):
            raise O.Invalid("nested points")
        if any(isinstance(p, (bool, np.bool_)) or not isinstance(p, numbers.Real) for p in items):
            raise O.Invalid("points must be real numbers")
        x = np.array([float(p) for p in items], dtype=np.float64)
    elif isinstance(points, (np.ndarray, range)) or O.is_torch(points):
        arr = np.asarray(points.detach() if O.is_torch(points) else points)
        if arr.dtype == object:
            if any(isinstance(p, (bool, np.bool_)) or not isinstance(p, numbers.Real) for p in arr.ravel()):
                raise O.Invalid("points must be real numbers")
            arr = arr.astype(np.float64)
        if arr.dtype.kind not in "iuf":
            raise O.Invalid("points dtype")
        x = arr.astype(np.float64)
    else:
        raise O.Invalid("points of the wrong type")
    if x.ndim != 1:
        raise O.Invalid("points not 1-D")
    if not np.all(np.isfinite(x)):
        raise O.Invalid("points not finite")
    if len(x) <= order:
        raise O.Invalid("too few points")
    if len(np.unique(x)) != len(x):
        raise O.Invalid("repeated points")
    return x, int(order), a


def check_weights(case: Case) -> None:
    out = run(case)
    _, args, kwargs = case.build()
    try:
        x, order, at = model_weights(*args, **kwargs)
        model_error = None
    except O.Invalid as exc:
        model_error = str(exc)
    if out.raised:
        if check_exception(case, out.exc) and model_error is None:
            note(case, "refused-valid", f"{type(out.exc).__name__}: {template(str(out.exc))}", str(out.exc))
        return
    if model_error is not None:
        fail(case, "accepted-invalid", model_error, f"returned {out.value!r}")
        return
    w = out.value
    if not isinstance(w, np.ndarray) or w.dtype != np.float64 or w.shape != (len(x),):
        fail(case, "wrong-type-or-dtype", summary(w), "expected float64 weights, one per point")
        return
    pos = [Fraction(float(p)) - Fraction(at) for p in x]
    W = O.fornberg(pos, order)
    wsum = sum((abs(v) for v in W), Fraction(0))
    srt = sorted(pos)
    gap = min(b - a for a, b in zip(srt, srt[1:])) if len(srt) > 1 else Fraction(1)
    cond = max(abs(p) for p in pos) / gap if len(srt) > 1 else Fraction(1)
    extreme = any(v and (abs(v) > Fraction(2) ** 1000 or abs(v) < Fraction(2) ** -1000) for v in W) or cond > 2**500
    for k, (a_, b_) in enumerate(zip(w, W)):
        if not _finite(a_):
            if extreme:
                note(case, "nonfinite-at-range-limit", f"weights order {order}", f"weight {k} = {a_!r}")
                return
            fail(case, "nonfinite-result", f"weights order {order}", f"weight {k} = {a_!r}, exact {float_of(b_)!r}")
            return
        if abs(_fraction(a_) - b_) > Fraction(1, 10**12) * wsum * (1 + cond) + Fraction(5e-324) * 16:
            if extreme:
                note(case, "inexact-at-range-limit", f"weights order {order}", f"weight {k} = {a_!r}, exact {float_of(b_)!r}")
                return
            fail(case, "wrong-value", f"weights order {order}, {len(x)} points",
                 f"weight {k} = {a_!r}, exact {float_of(b_)!r} (cond {sf(cond):.3g})")
            return
