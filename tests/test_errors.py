"""Every bad argument to gradkit.gradient, gradkit.derivative and gradkit.weights.

Each case asserts the exception type *and* that the message names the
argument, shows the value received and says what was expected (as regular
expression fragments searched in the message). Expected numbers (how many
samples a stencil needs, which dims exist) come from the definitions of the
schemes, not from gradkit's output.
"""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any, Callable

import numpy as np
import pytest
import torch
from numpy.exceptions import AxisError

import gradkit
from gradkit.compat import numpy_gradient, torch_gradient


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------
def _lib(name: str) -> SimpleNamespace:
    """Array constructors for one library (data and coordinates alike)."""
    if name == "numpy":
        return SimpleNamespace(name=name, arr=lambda v, dtype=np.float64: np.asarray(v, dtype=dtype))
    tdt = {np.float64: torch.float64, bool: torch.bool, np.complex128: torch.complex128}
    return SimpleNamespace(name=name, arr=lambda v, dtype=np.float64: torch.tensor(v, dtype=tdt[dtype]))


LIBS = [_lib("numpy"), _lib("torch")]
LIB_IDS = ["numpy", "torch"]

A2 = np.arange(12.0).reshape(3, 4)  # d/dim0 = 4, d/dim1 = 1
F6 = np.arange(6.0) ** 2
F4 = np.arange(4.0) ** 2
X4 = [0.0, 1.0, 3.0, 4.0]


def assert_raises(exc: Any, call: Callable[[], Any], *fragments: str) -> pytest.ExceptionInfo:
    """``call()`` raises ``exc`` and its message matches every regex fragment."""
    first, rest = (fragments[0], fragments[1:]) if fragments else (None, ())
    with pytest.raises(exc, match=first) as info:
        call()
    for frag in rest:
        assert re.search(frag, str(info.value)), (
            f"message does not match {frag!r}: {info.value!s}"
        )
    return info


def _case(id_, call, exc, *fragments):
    return pytest.param(call, exc, fragments, id=id_)


g = gradkit.gradient
d = gradkit.derivative

# Fragments that state an expectation.
POSITIVE_INT = r"positive integer"
NONNEG_INT = r"non-negative integer"


# ---------------------------------------------------------------------------
# gradient(): the table of bad arguments, for NumPy and torch inputs alike
# ---------------------------------------------------------------------------
GRADIENT_CASES = [
    # --- wrong number of spacings -------------------------------------------------
    _case("spacing-len1-for-2d", lambda L: g(L.arr(A2), spacing=[0.1]),
          (TypeError, ValueError), r"spacing", r"\b1\b", r"2-D|2 dims|one .*per dim"),
    _case("spacing-len3-for-2d", lambda L: g(L.arr(A2), spacing=[1.0, 2.0, 3.0]),
          (TypeError, ValueError), r"spacing", r"\b3\b", r"2-D|2 dims|one .*per dim"),
    _case("spacing-empty-for-2d", lambda L: g(L.arr(A2), spacing=[]),
          (TypeError, ValueError), r"spacing", r"\b0\b", r"2-D|2 dims|one .*per dim"),
    _case("spacing-len1-dim-pair", lambda L: g(L.arr(A2), spacing=[0.1], dim=(1, 0)),
          (TypeError, ValueError), r"spacing", r"\b1\b", r"\b2 dims?\b"),
    _case("spacing-len2-dim-int", lambda L: g(L.arr(A2), spacing=[1.0, 2.0], dim=1),
          (TypeError, ValueError), r"spacing", r"\b2\b", r"\b1 dims?\b"),
    _case("spacing-len1-dim-empty", lambda L: g(L.arr(A2), spacing=[1.0], dim=[]),
          (TypeError, ValueError), r"spacing", r"\b1\b", r"\b0 dims?\b"),
    # --- coordinates that are not 1-D ---------------------------------------------
    _case("coords-2d-in-list", lambda L: g(L.arr(A2), spacing=[L.arr(np.ones((3, 1))), L.arr(np.arange(4.0))]),
          ValueError, r"spacing\[0\]", r"\(3, 1\)", r"1-D"),
    _case("coords-2d-bare", lambda L: g(L.arr(A2), spacing=L.arr(np.ones((4, 4))), dim=1),
          (TypeError, ValueError), r"spacing", r"\(4, 4\)", r"1-D"),
    _case("coords-1d-bare-for-2-dims", lambda L: g(L.arr(A2), spacing=L.arr([1.0, 2.0])),
          (TypeError, ValueError), r"spacing", r"\(2,\)", r"per dim"),
    # --- coordinates of the wrong length (torch broadcasts some of these silently) -
    _case("coords-4-for-3", lambda L: g(L.arr(A2), spacing=[L.arr(np.arange(4.0))], dim=0),
          ValueError, r"spacing", r"\b4\b", r"\b3\b", r"coordinate"),
    _case("coords-10-for-3", lambda L: g(L.arr(A2), spacing=[L.arr(np.arange(10.0))], dim=0),
          ValueError, r"spacing", r"\b10\b", r"\b3\b", r"coordinate"),
    _case("coords-3-for-6", lambda L: g(L.arr(F6), spacing=[L.arr(np.arange(3.0))]),
          ValueError, r"spacing", r"\b3\b", r"\b6\b", r"coordinate"),
    _case("coords-2-for-4", lambda L: g(L.arr(A2), spacing=[L.arr([0.0, 1.0])], dim=1),
          ValueError, r"spacing", r"\b2\b", r"\b4\b", r"coordinate"),
    _case("coords-5-for-4-second-of-two", lambda L: g(L.arr(A2), spacing=[2.0, L.arr(np.arange(5.0))]),
          ValueError, r"spacing\[1\]", r"\b5\b", r"\b4\b"),
    # --- bad scalar spacings -------------------------------------------------------
    _case("spacing-zero", lambda L: g(L.arr(A2), spacing=0), ValueError, r"spacing", r"\b0\b", r"non-?zero"),
    _case("spacing-zero-float-in-list", lambda L: g(L.arr(A2), spacing=[1.0, 0.0]),
          ValueError, r"spacing\[1\]", r"0\.0", r"non-?zero"),
    _case("spacing-nan", lambda L: g(L.arr(A2), spacing=float("nan")), ValueError, r"spacing", r"nan", r"finite"),
    _case("spacing-inf", lambda L: g(L.arr(A2), spacing=float("inf")), ValueError, r"spacing", r"\binf\b", r"finite"),
    _case("spacing-minus-inf-in-list", lambda L: g(L.arr(A2), spacing=[1.0, -float("inf")]),
          ValueError, r"spacing\[1\]", r"-inf", r"finite"),
    _case("spacing-complex-nan", lambda L: g(L.arr(A2), spacing=complex(1, float("nan"))),
          ValueError, r"spacing", r"nan", r"finite"),
    _case("spacing-string", lambda L: g(L.arr(A2), spacing="a"), TypeError, r"spacing", r"'a'", r"number"),
    _case("spacing-string-in-list", lambda L: g(L.arr(A2), spacing=["a", 1.0]),
          TypeError, r"spacing\[0\]", r"'a'", r"number"),
    _case("spacing-none-in-list", lambda L: g(L.arr(F4), spacing=[None]), TypeError, r"spacing", r"None", r"number"),
    _case("spacing-dict", lambda L: g(L.arr(F4), spacing={0: 1.0}), TypeError, r"spacing", r"dict", r"number"),
    _case("spacing-bool", lambda L: g(L.arr(A2), spacing=True), TypeError, r"spacing", r"True", r"number"),
    _case("spacing-numpy-bool", lambda L: g(L.arr(A2), spacing=np.True_), TypeError, r"spacing", r"True", r"number"),
    _case("spacing-bool-in-list", lambda L: g(L.arr(A2), spacing=[1.0, False]),
          TypeError, r"spacing\[1\]", r"False", r"number"),
    # --- bad coordinate values ------------------------------------------------------
    _case("coords-nan", lambda L: g(L.arr(F4), spacing=[L.arr([0.0, 1.0, np.nan, 3.0])]),
          ValueError, r"spacing", r"nan", r"finite", r"\b2\b"),
    _case("coords-inf", lambda L: g(L.arr(F4), spacing=[L.arr([0.0, 1.0, 2.0, np.inf])]),
          ValueError, r"spacing", r"\binf\b", r"finite", r"\b3\b"),
    _case("coords-repeated-adjacent", lambda L: g(L.arr(F4), spacing=[L.arr([0.0, 1.0, 1.0, 2.0])]),
          ValueError, r"spacing", r"distinct|repeated|duplicate", r"1\.0", r"\b1\b.*\b2\b"),
    _case("coords-repeated-apart", lambda L: g(L.arr(F4), spacing=[L.arr([0.0, 3.0, 1.0, 3.0])]),
          ValueError, r"spacing", r"distinct|repeated|duplicate", r"3\.0", r"\b1\b.*\b3\b"),
    _case("coords-all-equal", lambda L: g(L.arr(F4), spacing=[L.arr([2.0, 2.0, 2.0, 2.0])]),
          ValueError, r"spacing", r"distinct|repeated|duplicate", r"2\.0"),
    _case("coords-complex", lambda L: g(L.arr(F4), spacing=[L.arr([0, 1, 2, 3j], np.complex128)]),
          TypeError, r"spacing", r"complex", r"real"),
    _case("coords-bool", lambda L: g(L.arr(F4), spacing=[L.arr([0, 1, 0, 1], bool)]),
          TypeError, r"spacing", r"bool", r"real"),
    # --- edge_order -------------------------------------------------------------------
    _case("edge_order-0", lambda L: g(L.arr(F6), edge_order=0), ValueError, r"edge_order", r"\b0\b", POSITIVE_INT),
    _case("edge_order--1", lambda L: g(L.arr(F6), edge_order=-1), ValueError, r"edge_order", r"-1", POSITIVE_INT),
    _case("edge_order-1.5", lambda L: g(L.arr(F6), edge_order=1.5), TypeError, r"edge_order", r"1\.5", POSITIVE_INT),
    _case("edge_order-str", lambda L: g(L.arr(F6), edge_order="2"), TypeError, r"edge_order", r"'2'", POSITIVE_INT),
    _case("edge_order-True", lambda L: g(L.arr(F6), edge_order=True), TypeError, r"edge_order", r"True", POSITIVE_INT),
    _case("edge_order-2.0", lambda L: g(L.arr(F6), edge_order=2.0), TypeError, r"edge_order", r"2\.0", POSITIVE_INT),
    # --- accuracy ---------------------------------------------------------------------
    _case("accuracy-0", lambda L: g(L.arr(F6), accuracy=0), ValueError, r"accuracy", r"\b0\b", POSITIVE_INT),
    _case("accuracy--2", lambda L: g(L.arr(F6), accuracy=-2), ValueError, r"accuracy", r"-2", POSITIVE_INT),
    _case("accuracy-2.5", lambda L: g(L.arr(F6), accuracy=2.5), TypeError, r"accuracy", r"2\.5", POSITIVE_INT),
    _case("accuracy-str", lambda L: g(L.arr(F6), accuracy="4"), TypeError, r"accuracy", r"'4'", POSITIVE_INT),
    _case("accuracy-True", lambda L: g(L.arr(F6), accuracy=True), TypeError, r"accuracy", r"True", POSITIVE_INT),
    # --- an axis too short for the stencil ----------------------------------------------
    # edge_order=k needs k + 1 samples for a first derivative (torch and numpy agree).
    _case("short-eo2-needs-3", lambda L: g(L.arr([1.0, 2.0]), edge_order=2),
          ValueError, r"dim 0", r"\b2 samples\b", r"at least 3\b"),
    _case("short-eo1-needs-2", lambda L: g(L.arr([1.0])), ValueError, r"dim 0", r"\b1 sample\b", r"at least 2\b"),
    _case("short-empty", lambda L: g(L.arr(np.zeros(0))), ValueError, r"dim 0", r"\b0 samples\b", r"at least 2\b"),
    _case("short-size1-dim-of-2d", lambda L: g(L.arr(np.ones((3, 1)))), ValueError, r"dim 1", r"\b1 sample\b", r"at least 2\b"),
    _case("short-eo2-with-coords", lambda L: g(L.arr([1.0, 2.0]), spacing=[L.arr([0.0, 0.5])], edge_order=2),
          ValueError, r"dim 0", r"\b2 samples\b", r"at least 3\b"),
    # accuracy 4 on a uniform grid: 5-point centred stencil, 5-point edges (edge_order = accuracy).
    _case("short-accuracy4-needs-5", lambda L: g(L.arr(F4), accuracy=4), ValueError, r"dim 0", r"\b4 samples\b", r"at least 5\b"),
    # Periodic: every point uses the centred stencil, 3 points at accuracy 2, 5 at accuracy 4.
    _case("short-periodic-acc2-needs-3", lambda L: g(L.arr([1.0, 2.0]), boundary="periodic"),
          ValueError, r"dim 0", r"\b2 samples\b", r"at least 3\b", r"periodic"),
    _case("short-periodic-acc4-needs-5", lambda L: g(L.arr(F4), accuracy=4, boundary="periodic"),
          ValueError, r"dim 0", r"\b4 samples\b", r"at least 5\b", r"periodic"),
    # --- dim --------------------------------------------------------------------------
    _case("dim-2-of-2d", lambda L: g(L.arr(A2), dim=2), AxisError, r"dim", r"\b2\b", r"\[-2, 1\]"),
    _case("dim--3-of-2d", lambda L: g(L.arr(A2), dim=-3), AxisError, r"dim", r"-3", r"\[-2, 1\]"),
    _case("dim-list-with-2", lambda L: g(L.arr(A2), dim=[0, 2]), AxisError, r"dim", r"\b2\b", r"\[-2, 1\]"),
    _case("dim-0-of-0d", lambda L: g(L.arr(3.0), dim=0), AxisError, r"dim", r"\b0\b", r"0-d|0-dimensional|no dim"),
    _case("axis-2-of-2d", lambda L: g(L.arr(A2), axis=2), AxisError, r"axis", r"\b2\b", r"\[-2, 1\]"),
    _case("dim-repeated", lambda L: g(L.arr(A2), dim=(1, 1)), ValueError, r"dim", r"\(1, 1\)", r"more than once|repeated|appears"),
    _case("dim-repeated-after-wrap", lambda L: g(L.arr(A2), dim=[0, -2]),
          ValueError, r"dim", r"\[0, -2\]", r"more than once|repeated|appears"),
    _case("dim-float", lambda L: g(L.arr(A2), dim=1.0), TypeError, r"dim", r"1\.0", r"integer"),
    _case("dim-str", lambda L: g(L.arr(A2), dim="x"), TypeError, r"dim", r"'x'", r"integer"),
    _case("dim-True", lambda L: g(L.arr(A2), dim=True), TypeError, r"dim", r"True", r"integer"),
    _case("dim-True-in-list", lambda L: g(L.arr(A2), dim=[True]), TypeError, r"dim", r"True", r"integer"),
    _case("dim-float-in-list", lambda L: g(L.arr(A2), dim=[0, 1.0]), TypeError, r"dim", r"1\.0", r"integer"),
    _case("dim-set", lambda L: g(L.arr(A2), dim={0}), TypeError, r"dim", r"\{0\}", r"integer"),
    _case("dim-and-axis", lambda L: g(L.arr(A2), dim=0, axis=0), TypeError, r"dim", r"axis", r"not both|one of"),
    # --- boundary and period ------------------------------------------------------------
    _case("boundary-unknown", lambda L: g(L.arr(F6), boundary="reflect"),
          ValueError, r"boundary", r"'reflect'", r"'one-sided'", r"'periodic'"),
    _case("boundary-None", lambda L: g(L.arr(F6), boundary=None),
          ValueError, r"boundary", r"None", r"'one-sided'", r"'periodic'"),
    _case("periodic-nonuniform-no-period", lambda L: g(L.arr(F4), spacing=[L.arr(X4)], boundary="periodic"),
          ValueError, r"period", r"periodic", r"evenly|uniform"),
    _case("period-contradicts-uniform-grid", lambda L: g(L.arr(F4), boundary="periodic", period=5.0),
          ValueError, r"period", r"5\.0", r"4\.0"),
    _case("period-with-one-sided", lambda L: g(L.arr(F4), boundary="one-sided", period=4.0),
          ValueError, r"period", r"4\.0", r"periodic"),
    _case("period-without-boundary", lambda L: g(L.arr(F4), period=4.0), ValueError, r"period", r"4\.0", r"periodic"),
    _case("period-shorter-than-span", lambda L: g(L.arr(F4), spacing=[L.arr(X4)], boundary="periodic", period=3.0),
          ValueError, r"period", r"3\.0", r"4\.0"),
    _case("period-nan", lambda L: g(L.arr(F4), spacing=[L.arr(X4)], boundary="periodic", period=float("nan")),
          ValueError, r"period", r"nan", r"finite"),
    _case("period-string", lambda L: g(L.arr(F4), spacing=[L.arr(X4)], boundary="periodic", period="5"),
          TypeError, r"period", r"'5'", r"number"),
    _case("period-complex", lambda L: g(L.arr(F4), spacing=[L.arr(X4)], boundary="periodic", period=5j),
          TypeError, r"period", r"5j", r"real"),
    _case("period-list-wrong-length", lambda L: g(L.arr(np.ones((4, 4))), boundary="periodic", period=[4.0]),
          ValueError, r"period", r"\[4\.0\]", r"\b2\b"),
    # --- data ---------------------------------------------------------------------------
    _case("data-bool", lambda L: g(L.arr([True, False, True], bool)), TypeError, r"\bf\b", r"bool", r"number"),
]


@pytest.mark.parametrize("lib", LIBS, ids=LIB_IDS)
@pytest.mark.parametrize("call, exc, fragments", GRADIENT_CASES)
def test_gradient_rejects(lib, call, exc, fragments):
    assert_raises(exc, lambda: call(lib), *fragments)


def test_axis_error_is_an_index_error_and_a_value_error():
    info = assert_raises(IndexError, lambda: g(A2, dim=5), r"dim", r"\b5\b")
    assert isinstance(info.value, AxisError) and isinstance(info.value, ValueError)


# Data that are not numbers at all (NumPy-only: torch cannot hold them).
@pytest.mark.parametrize(
    "data, fragments",
    [
        pytest.param(np.array(["a", "b", "c"]), (r"\bf\b", r"<U1|str", r"integer, floating|numbers|numeric"), id="str-array"),
        pytest.param(["1", "2", "3"], (r"\bf\b", r"<U1|str", r"integer, floating|numbers|numeric"), id="list-of-str"),
        pytest.param("abc", (r"\bf\b", r"<U3|str", r"integer, floating|numbers|numeric"), id="str"),
        pytest.param(np.array([1, "a", 3], dtype=object), (r"\bf\b", r"object", r"number|numeric"), id="object-mixed"),
        pytest.param(np.arange(3).astype("datetime64[D]"), (r"\bf\b", r"datetime64", r"integer, floating|numbers|numeric"),
                     id="datetime"),
        pytest.param([[1.0, 2.0], [3.0]], (r"\bf\b", r"list", r"sequence of numbers|numeric"), id="ragged"),
        # Non-numbers that NumPy converts to NaN: must not become NaN silently.
        pytest.param(np.array([None, None, None]), (r"\bf\b", r"object|None", r"number|numeric"), id="object-all-None"),
        pytest.param(np.array([1.0, None, 3.0, 4.0]), (r"\bf\b", r"object|None", r"number|numeric"), id="object-one-None"),
        pytest.param(None, (r"\bf\b", r"None", r"array|number|numeric"), id="None"),
    ],
)
def test_gradient_rejects_non_numeric_data(data, fragments):
    assert_raises(TypeError, lambda: g(data), *fragments)


def test_object_array_of_numbers_is_fine():
    from fractions import Fraction

    f = np.array([Fraction(1), Fraction(2), Fraction(4), Fraction(7)], dtype=object)
    (out,) = g(f)
    np.testing.assert_array_equal(out, np.gradient(np.array([1.0, 2.0, 4.0, 7.0])))


# ---------------------------------------------------------------------------
# What is *not* an error
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("lib", LIBS, ids=LIB_IDS)
def test_zero_d_entries_in_a_spacing_list_are_scalars(lib):
    out0, out1 = g(lib.arr(A2), spacing=[lib.arr(2.0), 3.0])
    np.testing.assert_allclose(np.asarray(out0), np.full((3, 4), 4.0 / 2.0), rtol=1e-15)
    np.testing.assert_allclose(np.asarray(out1), np.full((3, 4), 1.0 / 3.0), rtol=1e-15)


def test_edge_order_none_is_the_default():
    # torch's default: first-order edges at the default accuracy.
    expected = torch.gradient(torch.tensor(F6))[0].numpy()
    np.testing.assert_allclose(g(F6, edge_order=None)[0], expected, rtol=1e-15)
    np.testing.assert_allclose(g(F6)[0], expected, rtol=1e-15)


def test_short_dim_that_is_not_differentiated_is_fine():
    # Only the selected dims are size-checked (torch PR #67926).
    (out,) = g(np.ones((1, 5)), dim=1)
    np.testing.assert_array_equal(out, np.zeros((1, 5)))


def test_zero_d_input_without_dim_gives_empty_tuple():
    assert g(np.array(3.0)) == ()
    assert g(np.array(3.0), spacing=[]) == ()


def test_periodic_with_evenly_spaced_coordinates_needs_no_period():
    x = np.arange(8) * 0.25
    f = np.sin(2 * np.pi * x / 2.0)
    (a,) = g(f, spacing=[x], boundary="periodic")
    (b,) = g(f, spacing=0.25, boundary="periodic")
    np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-13)


# ---------------------------------------------------------------------------
# derivative()
# ---------------------------------------------------------------------------
DERIVATIVE_CASES = [
    _case("order--1", lambda L: d(L.arr(F6), -1), ValueError, r"order", r"-1", NONNEG_INT),
    _case("order-1.5", lambda L: d(L.arr(F6), 1.5), TypeError, r"order", r"1\.5", NONNEG_INT),
    _case("order-True", lambda L: d(L.arr(F6), True), TypeError, r"order", r"True", NONNEG_INT),
    _case("order-str", lambda L: d(L.arr(F6), "1"), TypeError, r"order", r"'1'", NONNEG_INT),
    _case("order-in-tuple--1", lambda L: d(L.arr(A2), (1, -1), axis=(0, 1)), ValueError, r"order", r"-1", NONNEG_INT),
    _case("accuracy-0", lambda L: d(L.arr(F6), 1, accuracy=0), ValueError, r"accuracy", r"\b0\b", POSITIVE_INT),
    _case("accuracy--2", lambda L: d(L.arr(F6), 1, accuracy=-2), ValueError, r"accuracy", r"-2", POSITIVE_INT),
    _case("accuracy-2.5", lambda L: d(L.arr(F6), 1, accuracy=2.5), TypeError, r"accuracy", r"2\.5", POSITIVE_INT),
    _case("accuracy-str", lambda L: d(L.arr(F6), 1, accuracy="4"), TypeError, r"accuracy", r"'4'", POSITIVE_INT),
    _case("accuracy-True", lambda L: d(L.arr(F6), 1, accuracy=True), TypeError, r"accuracy", r"True", POSITIVE_INT),
    _case("edge_order-0", lambda L: d(L.arr(F6), 1, edge_order=0), ValueError, r"edge_order", r"\b0\b", POSITIVE_INT),
    _case("edge_order-1.5", lambda L: d(L.arr(F6), 1, edge_order=1.5), TypeError, r"edge_order", r"1\.5", POSITIVE_INT),
    # accuracy 4 first derivative on a uniform grid: 5-point stencils everywhere.
    _case("short-acc4-needs-5", lambda L: d(L.arr(F4), 1, accuracy=4), ValueError, r"dim 0", r"\b4 samples\b", r"at least 5\b"),
    # Second derivative, second-order one-sided edges: 4 points (2, -5, 4, -1).
    _case("short-order2-needs-4", lambda L: d(L.arr([1.0, 2.0, 4.0]), 2), ValueError, r"dim 0", r"\b3 samples\b", r"at least 4\b"),
    # Periodic second derivative at accuracy 2: the 3-point (1, -2, 1) stencil.
    _case("short-periodic-order2", lambda L: d(L.arr([1.0, 2.0]), 2, boundary="periodic"),
          ValueError, r"dim 0", r"\b2 samples\b", r"at least 3\b", r"periodic"),
    _case("short-periodic-acc4", lambda L: d(L.arr(F4), 1, accuracy=4, boundary="periodic"),
          ValueError, r"dim 0", r"\b4 samples\b", r"at least 5\b", r"periodic"),
    _case("axis-out-of-range", lambda L: d(L.arr(A2), 1, axis=2), AxisError, r"axis", r"\b2\b", r"\[-2, 1\]"),
    _case("dim-out-of-range", lambda L: d(L.arr(A2), 1, dim=-3), AxisError, r"dim", r"-3", r"\[-2, 1\]"),
    _case("axis-on-0d", lambda L: d(L.arr(3.0), 1), AxisError, r"axis", r"-1", r"0-d|0-dimensional|no dim"),
    _case("axis-repeated", lambda L: d(L.arr(A2), (1, 1), axis=(0, 0)), ValueError, r"axis", r"\(0, 0\)", r"more than once|repeated"),
    _case("axis-repeated-after-wrap", lambda L: d(L.arr(A2), (1, 1), axis=(1, -1)),
          ValueError, r"axis", r"\(1, -1\)", r"more than once|repeated"),
    _case("axis-float", lambda L: d(L.arr(A2), 1, axis=1.0), TypeError, r"axis", r"1\.0", r"integer"),
    _case("axis-str", lambda L: d(L.arr(A2), 1, axis="x"), TypeError, r"axis", r"'x'", r"integer"),
    _case("axis-True", lambda L: d(L.arr(A2), 1, axis=True), TypeError, r"axis", r"True", r"integer"),
    _case("dim-and-axis", lambda L: d(L.arr(A2), 1, dim=0, axis=0), TypeError, r"dim", r"axis", r"not both|one of"),
    _case("order-tuple-axis-int", lambda L: d(L.arr(A2), (1, 1), axis=0),
          ValueError, r"order", r"axis", r"\(1, 1\)", r"both|same length"),
    _case("order-int-axis-tuple", lambda L: d(L.arr(A2), 1, axis=(0, 1)),
          ValueError, r"order", r"axis", r"\(0, 1\)", r"both|same length"),
    _case("order-axis-lengths-differ", lambda L: d(L.arr(A2), (1, 1), axis=(0,)),
          ValueError, r"order", r"axis", r"\(1, 1\)", r"same length"),
    _case("axis-empty", lambda L: d(L.arr(A2), (), axis=()), ValueError, r"axis", r"\(\)", r"at least one"),
    _case("spacing-zero", lambda L: d(L.arr(F6), 1, spacing=0.0), ValueError, r"spacing", r"0\.0", r"non-?zero"),
    _case("coords-wrong-length", lambda L: d(L.arr(F6), 2, spacing=L.arr(np.arange(5.0))),
          ValueError, r"spacing", r"\b5\b", r"\b6\b"),
    _case("coords-repeated", lambda L: d(L.arr(F4), 1, spacing=L.arr([0.0, 1.0, 1.0, 2.0])),
          ValueError, r"spacing", r"distinct|repeated", r"1\.0"),
    _case("coords-2d", lambda L: d(L.arr(A2), 1, axis=1, spacing=[L.arr(np.ones((4, 1)))]),
          ValueError, r"spacing", r"\(4, 1\)", r"1-D"),
    _case("spacing-bare-for-two-axes", lambda L: d(L.arr(A2), (1, 1), axis=(0, 1), spacing=L.arr(np.arange(3.0))),
          (TypeError, ValueError), r"spacing", r"\(3,\)", r"per dim|tuple"),
    _case("spacing-tuple-wrong-length", lambda L: d(L.arr(A2), (1, 1), axis=(0, 1), spacing=(1.0,)),
          (TypeError, ValueError), r"spacing", r"\b1\b", r"\b2 dims?\b"),
    _case("boundary-unknown", lambda L: d(L.arr(F6), 1, boundary="wrap"),
          ValueError, r"boundary", r"'wrap'", r"'one-sided'", r"'periodic'"),
    _case("periodic-nonuniform-no-period", lambda L: d(L.arr(F6), 2, spacing=L.arr([0.0, 1, 3, 4, 6, 7]), boundary="periodic"),
          ValueError, r"period", r"periodic"),
    _case("period-contradicts-uniform-grid", lambda L: d(L.arr(F6), 1, spacing=0.5, boundary="periodic", period=2.0),
          ValueError, r"period", r"2\.0", r"3\.0"),
    _case("period-with-one-sided", lambda L: d(L.arr(F6), 1, boundary="one-sided", period=6.0),
          ValueError, r"period", r"6\.0", r"periodic"),
    _case("data-bool", lambda L: d(L.arr([True, False, True], bool), 1), TypeError, r"\bf\b", r"bool", r"number"),
]


@pytest.mark.parametrize("lib", LIBS, ids=LIB_IDS)
@pytest.mark.parametrize("call, exc, fragments", DERIVATIVE_CASES)
def test_derivative_rejects(lib, call, exc, fragments):
    assert_raises(exc, lambda: call(lib), *fragments)


def test_derivative_order_zero_and_minimum_sizes_are_fine():
    # Order 0 is the data itself. 5 samples are enough for accuracy 4, whose 5-point stencils
    # are exact for polynomials of degree <= 4: d/dx x^4 = 4 x^3.
    np.testing.assert_array_equal(d(F6, 0), F6)
    x = np.arange(5.0)
    np.testing.assert_allclose(d(x**4, 1, accuracy=4), 4 * x**3, rtol=1e-12, atol=1e-11)


# ---------------------------------------------------------------------------
# weights()
# ---------------------------------------------------------------------------
W = gradkit.weights
WEIGHTS_CASES = [
    _case("too-few-points-order1", lambda: W([0.0]), ValueError, r"order 1", r"at least 2\b", r"got 1\b"),
    _case("too-few-points-order2", lambda: W([0.0, 1.0], 2), ValueError, r"order 2", r"at least 3\b", r"got 2\b"),
    _case("too-few-points-order5", lambda: W([0.0, 1.0, 2.0], 5), ValueError, r"order 5", r"at least 6\b", r"got 3\b"),
    _case("no-points", lambda: W([]), ValueError, r"points", r"at least 2\b", r"got 0\b"),
    _case("repeated", lambda: W([0.0, 1.0, 1.0]), ValueError, r"points", r"distinct", r"1\.0"),
    _case("repeated-apart", lambda: W([2.0, 0.0, 2.0]), ValueError, r"points", r"distinct", r"2\.0"),
    _case("2-d", lambda: W([[0.0, 1.0], [2.0, 3.0]]), ValueError, r"points", r"1-D", r"\(2, 2\)"),
    _case("0-d", lambda: W(3.0), ValueError, r"points", r"1-D", r"\(\)"),
    _case("strings", lambda: W(["a", "b"]), TypeError, r"points", r"'a'", r"real numbers"),
    _case("complex", lambda: W([1j, 2.0]), TypeError, r"points", r"1j", r"real numbers"),
    _case("order--1", lambda: W([0.0, 1.0], -1), ValueError, r"order", r"-1", NONNEG_INT),
    _case("order-1.0", lambda: W([0.0, 1.0], 1.0), TypeError, r"order", r"1\.0", NONNEG_INT),
    _case("order-True", lambda: W([0.0, 1.0], True), TypeError, r"order", r"True", NONNEG_INT),
    _case("at-str", lambda: W([0.0, 1.0], at="0"), TypeError, r"\bat\b", r"'0'", r"real number"),
    _case("at-complex", lambda: W([0.0, 1.0], at=1j), TypeError, r"\bat\b", r"1j", r"real number"),
    # Non-finite values: the message must show which value is bad.
    _case("points-nan", lambda: W([0.0, np.nan, 1.0]), ValueError, r"points", r"finite", r"nan"),
    _case("points-inf", lambda: W([0.0, 1.0, np.inf]), ValueError, r"points", r"finite", r"\binf\b"),
    _case("at-nan", lambda: W([0.0, 1.0], at=np.nan), ValueError, r"\bat\b", r"finite", r"nan"),
    # Non-numbers that NumPy would convert silently.
    _case("numeric-strings", lambda: W(["0", "1"]), TypeError, r"points", r"'0'", r"real numbers"),
    _case("booleans", lambda: W([True, False]), TypeError, r"points", r"bool|True", r"real numbers"),
    _case("bool-array", lambda: W(np.array([False, True])), TypeError, r"points", r"bool", r"real numbers"),
    _case("None-element", lambda: W([None, 1.0]), TypeError, r"points", r"None", r"real numbers"),
]


@pytest.mark.parametrize("call, exc, fragments", WEIGHTS_CASES)
def test_weights_rejects(call, exc, fragments):
    assert_raises(exc, call, *fragments)


def test_weights_accepts_integer_and_tensor_points():
    # Central difference: (-1/2, 0, 1/2).
    np.testing.assert_allclose(W([-1, 0, 1]), [-0.5, 0.0, 0.5], atol=1e-15)
    np.testing.assert_allclose(W(torch.tensor([-1.0, 0.0, 1.0])), [-0.5, 0.0, 0.5], atol=1e-15)
    np.testing.assert_allclose(W((0.0, 1.0), order=1, at=np.float32(0.5)), [-1.0, 1.0], rtol=1e-15)


# ---------------------------------------------------------------------------
# A failing call never modifies its inputs; read-only inputs work
# ---------------------------------------------------------------------------
def _as_tensor(a):
    return a if isinstance(a, torch.Tensor) else torch.from_numpy(a)


FAILING_CALLS = [
    pytest.param(lambda f, x: g(f, spacing=[x], edge_order=0), id="gradient-edge_order"),
    pytest.param(lambda f, x: g(f, spacing=[x[:-1]]), id="gradient-coords-length"),
    pytest.param(lambda f, x: g(f, spacing=[x], boundary="periodic"), id="gradient-periodic-no-period"),
    pytest.param(lambda f, x: g(f, spacing=[x], accuracy=8), id="gradient-too-short"),
    pytest.param(lambda f, x: d(f, 3, spacing=x, axis=5), id="derivative-axis"),
    pytest.param(lambda f, x: d(f, (1, 1), spacing=x, axis=0), id="derivative-order-axis"),
    # torch_gradient takes tensors only: the data become a tensor sharing the NumPy memory.
    pytest.param(lambda f, x: torch_gradient(_as_tensor(f), spacing=[x], dim=(0, 0)), id="torch_gradient-dim"),
    pytest.param(lambda f, x: torch_gradient(_as_tensor(f), spacing=[x], edge_order=0), id="torch_gradient-edge_order"),
    pytest.param(lambda f, x: numpy_gradient(f, x, x), id="numpy_gradient-varargs"),
    pytest.param(lambda f, x: numpy_gradient(f, x, edge_order=-1), id="numpy_gradient-edge_order"),
]


def _snapshot(a):
    if isinstance(a, torch.Tensor):
        return a.clone(), a.stride(), a.data_ptr()
    return a.copy(), a.flags.writeable, a.__array_interface__["data"][0]


def _unchanged(a, snap) -> bool:
    ref, layout, ptr = snap
    if isinstance(a, torch.Tensor):
        return torch.equal(a.nan_to_num(), ref.nan_to_num()) and a.stride() == layout and a.data_ptr() == ptr
    return (
        np.array_equal(a, ref, equal_nan=True)
        and a.flags.writeable == layout
        and a.__array_interface__["data"][0] == ptr
    )


@pytest.mark.parametrize("kind", ["numpy", "torch"])
@pytest.mark.parametrize("call", FAILING_CALLS)
def test_failing_call_leaves_inputs_unchanged(kind, call):
    f = np.array([3.0, -1.0, np.nan, 7.5, 2.0, 0.25, 9.0])
    x = np.array([0.0, 0.5, 2.0, 2.25, 4.0, 5.5, 6.0])
    if kind == "torch":
        f, x = torch.from_numpy(f), torch.from_numpy(x)
    snaps = [_snapshot(f), _snapshot(x)]
    with pytest.raises((TypeError, ValueError, IndexError)):
        call(f, x)
    assert _unchanged(f, snaps[0]) and _unchanged(x, snaps[1])


def _readonly(a):
    a = np.array(a, dtype=np.float64)
    a.flags.writeable = False
    return a


def test_read_only_numpy_inputs_work():
    f = _readonly([1.0, 2.0, 4.0, 7.0, 11.0, 16.0])
    x = _readonly([0.0, 1.0, 1.5, 3.5, 4.0, 6.0])
    f2 = _readonly(np.arange(20.0).reshape(4, 5) ** 2)
    np.testing.assert_allclose(g(f, spacing=[x])[0], np.gradient(f, x), rtol=1e-12)
    np.testing.assert_allclose(g(f, spacing=[x], edge_order=2)[0], np.gradient(f, x, edge_order=2), rtol=1e-12)
    np.testing.assert_allclose(numpy_gradient(f, x), np.gradient(f, x), rtol=1e-12)
    for a, b in zip(g(f2), np.gradient(f2)):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    np.testing.assert_allclose(d(f, 1, spacing=x), np.gradient(f, x, edge_order=2), rtol=1e-12)
    # A read-only *view* with negative strides (reversed) is also fine.
    fr, xr = f[::-1], x[::-1]
    np.testing.assert_allclose(g(fr, spacing=[xr])[0], np.gradient(fr, xr), rtol=1e-12)
    assert not f.flags.writeable and not x.flags.writeable


def test_read_only_coordinates_with_torch_input():
    f = torch.tensor([1.0, 2.0, 4.0, 7.0, 11.0, 16.0], dtype=torch.float64)
    x = _readonly([0.0, 1.0, 1.5, 3.5, 4.0, 6.0])
    expected = torch.gradient(f, spacing=[torch.from_numpy(x.copy())])[0]
    torch.testing.assert_close(g(f, spacing=[x])[0], expected, rtol=1e-12, atol=0)
    torch.testing.assert_close(torch_gradient(f, spacing=[x])[0], expected, rtol=1e-12, atol=0)
