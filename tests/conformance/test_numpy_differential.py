"""Differential tests: ``gradkit.compat.numpy_gradient`` and ``gradkit.gradient``
on NumPy arrays against ``numpy.gradient``.

``numpy_gradient`` is called with numpy's own varargs grammar (no spacing, one
scalar, one 0-d array, one scalar or coordinate array per axis, coordinate
arrays as arrays or Python lists, integer and unsigned coordinates, mixes)
and ``axis`` as None, an int or a tuple/list; it must return what numpy
returns: one array for one axis, else a tuple, with numpy's dtypes.
``gradkit.gradient`` takes the same spacings torch-style and always returns
a tuple. Tolerances and the two oracles are described in ``conftest``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from hypothesis import event, given
from hypothesis import strategies as st

import gradkit
from gradkit.compat import numpy_gradient

from .conftest import (
    LAYOUTS,
    Grid,
    Layout,
    assert_close,
    atol_for,
    conformance_settings,
    grids,
    layouts,
    make_data,
    max_abs,
    rtol_for,
    strided_view,
)

DTYPES = (
    np.float64,
    np.float32,
    np.complex128,
    np.complex64,
    np.int64,
    np.int32,
    np.int16,
    np.int8,
    np.uint8,
    np.uint16,
)
COORD_FLOATS = (np.float64, np.float32)
COORD_INTS = (np.int64, np.int32, np.int8, np.uint8, np.uint16, np.uint64)
FORMS = ("default", "scalar", "scalars", "coords", "mixed")


@dataclass
class Case:
    layout: Layout
    dtype: Any
    form: str
    grids: list[Grid]
    entries: list[Any]  # per-axis spacing values as passed (scalar forms, arrays or lists)
    single: Any  # the one scalar for form "scalar"
    seed: int
    memory: str


def _pass_scalar(draw: Any, g: Grid) -> Any:
    how = draw(st.sampled_from(["python", "numpy", "0d"]))
    if how == "python":
        return g.value
    scalar = np.float64(g.value) if g.kind == "float" else np.int64(g.value)
    return scalar if how == "numpy" else np.array(scalar)


def _pass_coords(draw: Any, g: Grid) -> Any:
    return g.value.tolist() if draw(st.booleans()) else g.value.copy()


@st.composite
def cases(draw: Any) -> Case:
    lay = draw(layouts())
    dtype = draw(st.sampled_from(DTYPES))
    form = draw(st.sampled_from(FORMS))
    ns = [lay.shape[a] for a in lay.axes]
    kw = dict(float_dtypes=COORD_FLOATS, int_dtypes=COORD_INTS)
    single = None
    if form == "default":
        gs = [Grid(n, 1, False, "int") for n in ns]
        entries: list[Any] = []
    elif form == "scalar":
        g0 = draw(grids(2, coords=False))
        gs = [Grid(n, g0.value, False, g0.kind) for n in ns]
        single = _pass_scalar(draw, g0)
        entries = []
    else:
        scalar = form in ("scalars", "mixed")
        coords = form in ("coords", "mixed")
        gs = [draw(grids(n, scalar=scalar, coords=coords, **kw)) for n in ns]
        entries = [_pass_coords(draw, g) if g.coords else _pass_scalar(draw, g) for g in gs]
    event(f"form={form}")
    for g in gs:
        event(f"grid={g.kind}")
    return Case(
        layout=lay,
        dtype=dtype,
        form=form,
        grids=gs,
        entries=entries,
        single=single,
        seed=draw(st.integers(0, 2**32 - 1)),
        memory=draw(st.sampled_from(LAYOUTS)),
    )


def _varargs(case: Case) -> tuple[Any, ...]:
    if case.form == "default":
        return ()
    if case.form == "scalar":
        return (case.single,)
    return tuple(case.entries)


def _input(case: Case) -> np.ndarray:
    # numpy converts integers to float64 first, so any values are fair game.
    data = make_data(case.seed, case.layout.shape, case.dtype, int_limit=2**31)
    return strided_view(data, case.memory)


def _precision(dtype: np.dtype) -> Any:
    return np.float64 if dtype.kind in "iu" else dtype


def _precise(case: Case, data: np.ndarray) -> list[np.ndarray]:
    wide = data.astype(np.complex128 if data.dtype.kind == "c" else np.float64)
    out = []
    for g, a in zip(case.grids, case.layout.axes):
        arg = g.x64() if g.coords else float(g.value)
        out.append(np.gradient(wide, arg, axis=a, edge_order=case.layout.edge_order))
    return out


def _compare(case: Case, got: tuple, expected: tuple, data: np.ndarray, exact: bool = False) -> None:
    """``exact``: the drop-in, bit for bit numpy's (in numpy's own precision,
    float32 coordinates included); otherwise gradkit.gradient, close to
    numpy and to numpy on float64 data and coordinates."""
    precise = _precise(case, data)
    f_max = max_abs(data)
    assert len(got) == len(expected) == len(case.layout.axes)
    for k, (g, e, p, grid, a) in enumerate(zip(got, expected, precise, case.grids, case.layout.axes)):
        what = f"output {k} (d/d axis {a})"
        assert type(g) is type(e), f"{what}: {type(g)} vs numpy's {type(e)}"
        assert g.shape == data.shape, what
        assert g.dtype == e.dtype, f"{what}: dtype {g.dtype}, numpy gives {e.dtype}"
        if exact:
            np.testing.assert_array_equal(g, e, err_msg=what)
            continue
        bound = grid.bound(case.layout.edge_order)
        rtol = rtol_for(g.dtype, e.dtype, _precision(data.dtype), grid.precision_dtype())
        assert_close(g, e, rtol=rtol, atol=atol_for(rtol, f_max, bound), what=what + " vs numpy")
        rtol = rtol_for(g.dtype)
        assert_close(g, p, rtol=rtol, atol=atol_for(rtol, f_max, bound), what=what + " vs numpy float64")


@conformance_settings(600)
@given(cases())
def test_numpy_gradient_drop_in_matches_numpy(case: Case) -> None:
    data = _input(case)
    kw: dict[str, Any] = {"edge_order": case.layout.edge_order}
    if case.layout.dim_arg is not None:
        kw["axis"] = case.layout.dim_arg
    expected = np.gradient(data, *_varargs(case), **kw)
    got = numpy_gradient(data, *_varargs(case), **kw)
    if len(case.layout.axes) == 1:
        assert isinstance(expected, np.ndarray)
        assert isinstance(got, np.ndarray), f"one axis must give one array, got {type(got)}"
        got, expected = (got,), (expected,)
    else:
        assert isinstance(expected, tuple)
        assert isinstance(got, tuple), f"several axes must give a tuple, got {type(got)}"
    _compare(case, got, expected, data, exact=True)


@conformance_settings(500)
@given(cases(), st.sampled_from(["dim", "axis"]), st.sampled_from([list, tuple, "bare"]))
def test_gradkit_gradient_on_numpy_matches_numpy(case: Case, keyword: str, container: Any) -> None:
    data = _input(case)
    kw: dict[str, Any] = {"edge_order": case.layout.edge_order}
    if case.layout.dim_arg is not None:
        kw[keyword] = case.layout.dim_arg
    if case.form == "scalar":
        kw["spacing"] = case.single
    elif case.form != "default":
        one = case.entries[0] if len(case.entries) == 1 else None
        if container == "bare" and isinstance(one, np.ndarray) and one.ndim == 1:
            # gradkit takes a bare 1-D array as the coordinates of the one dim
            # (a Python list stays a sequence of per-dim entries)
            kw["spacing"] = one
        else:
            kw["spacing"] = (tuple if container is tuple else list)(case.entries)
    np_kw = {"edge_order": case.layout.edge_order, "axis": case.layout.axes}
    expected = np.gradient(data, *_varargs(case), **np_kw)
    if isinstance(expected, np.ndarray):
        expected = (expected,)
    got = gradkit.gradient(data, **kw)
    assert isinstance(got, tuple), type(got)
    _compare(case, got, expected, data)
