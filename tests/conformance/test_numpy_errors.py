"""gradkit.compat.numpy_gradient against numpy.gradient's error catalogue.

Each test runs the real ``numpy.gradient`` first and asserts that numpy still
behaves as recorded in the behaviour reference (section 1.7), then checks the
drop-in:

* where numpy raises deliberately, gradkit raises the same exception type
  (``TypeError`` for a wrong number of varargs, ``ValueError`` for 2-D or
  wrong-length distances and too-small arrays, ``numpy.exceptions.AxisError``,
  ``ValueError`` for a repeated axis) with a message that names the argument;
* where numpy leaks an internal error or is silently wrong (edge_order 0, -1
  or 1.5 treated as 2, zero spacing -> inf, repeated coordinates -> nan),
  gradkit raises a clear ``ValueError``/``TypeError``;
* where gradkit deliberately accepts more, the result is checked against an
  independent oracle.
"""

from __future__ import annotations

import decimal
import re
import warnings
from typing import Any, Callable

import numpy as np
import pytest
from numpy.exceptions import AxisError

from gradkit.compat import numpy_gradient

A2 = np.arange(12.0).reshape(3, 4)
F6 = np.arange(6.0) ** 2


def numpy_raises(call: Callable[[Any], Any], exc: type[BaseException], exact: bool = True) -> BaseException:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(exc) as info:
            call(np.gradient)
    if exact:
        assert type(info.value) is exc, f"numpy now raises {type(info.value).__name__}: {info.value}"
    return info.value


def numpy_returns(call: Callable[[Any], Any]) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return call(np.gradient)


def gradkit_raises(call, exc, *fragments: str) -> BaseException:
    with pytest.raises(exc) as info:
        call(numpy_gradient)
    for frag in fragments:
        assert re.search(frag, str(info.value)), f"message does not match {frag!r}: {info.value}"
    return info.value


def _row(id_, call, numpy_exc, *fragments):
    return pytest.param(call, numpy_exc, fragments, id=id_)


# ---------------------------------------------------------------------------
# Errors numpy raises deliberately: same type, clearer message
# ---------------------------------------------------------------------------
SAME_TYPE_ROWS = [
    # 1. distances must be scalars or 1-D.
    _row("1-distances-2d", lambda G: G(A2, np.ones((3, 1)), np.arange(4.0)), ValueError,
         r"varargs\[0\]", r"\(3, 1\)", r"1-D"),
    _row("1-distances-list-of-lists", lambda G: G(F6, [[0, 1, 2, 3, 4, 5]]), ValueError,
         r"varargs\[0\]", r"\(1, 6\)", r"1-D"),
    # 2. wrong length.
    _row("2-distances-shorter", lambda G: G(F6, np.arange(5.0)), ValueError, r"varargs\[0\]", r"\b5\b", r"\b6\b"),
    _row("2-distances-longer", lambda G: G(F6, np.arange(7.0)), ValueError, r"varargs\[0\]", r"\b7\b", r"\b6\b"),
    _row("2-distances-wrong-second-axis", lambda G: G(A2, 1.0, np.arange(3.0)), ValueError,
         r"varargs\[1\]", r"\b3\b", r"\b4\b"),
    # 3. invalid number of varargs.
    _row("3-three-varargs-2d", lambda G: G(A2, 1.0, 2.0, 3.0), TypeError, r"spacing|varargs", r"\b3\b", r"\b2\b"),
    _row("3-one-array-2d", lambda G: G(A2, np.arange(3.0)), TypeError, r"spacing|varargs", r"\b1\b", r"\b2\b"),
    _row("3-two-varargs-axis1", lambda G: G(A2, 1.0, 2.0, axis=1), TypeError, r"spacing|varargs", r"\b2\b", r"\b1\b"),
    _row("3-two-varargs-axis-tuple1", lambda G: G(A2, 1.0, 2.0, axis=(0,)), TypeError, r"spacing|varargs", r"\b2\b", r"\b1\b"),
    # 5. array too small.
    _row("5-empty", lambda G: G(np.array([])), ValueError, r"\b0 samples\b", r"at least 2\b"),
    _row("5-length-1", lambda G: G(np.array([1.0])), ValueError, r"\b1 sample\b", r"at least 2\b"),
    _row("5-length-2-edge_order-2", lambda G: G(np.array([1.0, 2.0]), edge_order=2), ValueError,
         r"\b2 samples\b", r"at least 3\b"),
    _row("5-size1-axis-of-2d", lambda G: G(np.ones((3, 1))), ValueError, r"dim 1|axis 1", r"at least 2\b"),
    # 6. axis out of range (AxisError is both ValueError and IndexError).
    _row("6-axis-2", lambda G: G(A2, axis=2), AxisError, r"axis", r"\b2\b", r"\[-2, 1\]"),
    _row("6-axis--3", lambda G: G(A2, axis=-3), AxisError, r"axis", r"-3", r"\[-2, 1\]"),
    _row("6-axis-0-on-0d", lambda G: G(np.array(3.0), axis=0), AxisError, r"axis", r"\b0\b", r"0-d|0-dimensional|no dim"),
    _row("6-axis-tuple-with-5", lambda G: G(A2, axis=(0, 5)), AxisError, r"axis", r"\b5\b"),
    # 7. repeated axis.
    _row("7-repeated-axis", lambda G: G(A2, axis=(0, 0)), ValueError, r"axis", r"\(0, 0\)", r"more than once|repeated"),
    _row("7-repeated-after-wrap", lambda G: G(A2, axis=(0, -2)), ValueError, r"axis", r"\(0, -2\)", r"more than once|repeated"),
    # 8. axis=1.0 (numpy: "'float' object is not iterable").
    _row("8-axis-float", lambda G: G(A2, axis=1.0), TypeError, r"axis", r"1\.0", r"integer"),
    _row("8-axis-str", lambda G: G(A2, axis="x"), TypeError, r"axis", r"'x'", r"integer"),
    # 9. boolean data.
    _row("9-bool-data", lambda G: G(np.array([True, False, True])), TypeError, r"\bf\b", r"bool"),
    # 11. edge_order='2'.
    _row("11-edge_order-str", lambda G: G(F6, edge_order="2"), TypeError, r"edge_order", r"'2'", r"positive integer"),
    # 16-17. string or None spacing.
    _row("16-spacing-str", lambda G: G(F6, "a"), TypeError, r"varargs\[0\]", r"'a'", r"number"),
    _row("17-spacing-None", lambda G: G(F6, None), TypeError, r"varargs\[0\]", r"None", r"number"),
    # 18. object data that are not numbers.
    _row("18-object-None", lambda G: G(np.array([None, None, None])), TypeError, r"\bf\b", r"object|None", r"number|numeric"),
    _row("18-object-some-None", lambda G: G(np.array([1.0, None, 3.0, 4.0])), TypeError, r"\bf\b", r"object|None", r"number|numeric"),
]


@pytest.mark.parametrize("call, numpy_exc, fragments", SAME_TYPE_ROWS)
def test_deliberate_numpy_errors_keep_their_type(call, numpy_exc, fragments):
    numpy_raises(call, numpy_exc)
    gradkit_raises(call, numpy_exc, *fragments)


def test_axis_error_is_numpys_class():
    err = gradkit_raises(lambda G: G(A2, axis=2), AxisError)
    assert type(err) is AxisError and isinstance(err, IndexError) and isinstance(err, ValueError)


# Numpy's TypeError subclasses (UFuncTypeError) become plain TypeErrors with a message.
SUBCLASS_ROWS = [
    _row("10-string-data", lambda G: G(np.array(["a", "b", "c"])), TypeError, r"\bf\b", r"<U1", r"integer, floating|numeric"),
    _row("13-datetime-coordinates", lambda G: G(F6, np.arange(6).astype("datetime64[D]")), TypeError,
         r"varargs\[0\]", r"datetime64", r"real numbers"),
]


@pytest.mark.parametrize("call, numpy_exc, fragments", SUBCLASS_ROWS)
def test_numpy_ufunc_type_errors_become_clear_type_errors(call, numpy_exc, fragments):
    numpy_raises(call, numpy_exc, exact=False)
    gradkit_raises(call, numpy_exc, *fragments)


# ---------------------------------------------------------------------------
# numpy leaks an internal error: gradkit says what is wrong
# ---------------------------------------------------------------------------
def test_14_one_element_coordinates():
    # numpy: IndexError from diffx[0] before its size check.
    numpy_raises(lambda G: G(np.array([1.0]), np.array([0.0])), IndexError)
    gradkit_raises(lambda G: G(np.array([1.0]), np.array([0.0])), ValueError, r"\b1 sample\b", r"at least 2\b")


@pytest.mark.parametrize("n", [1, 2])
def test_15_edge_order_0_on_short_arrays(n):
    numpy_raises(lambda G: G(np.arange(float(n)), edge_order=0), IndexError)
    gradkit_raises(lambda G: G(np.arange(float(n)), edge_order=0), ValueError, r"edge_order", r"\b0\b", r"positive integer")


def test_12_edge_order_none_is_refused_or_the_default():
    # numpy: TypeError from the '>' comparison. gradkit may accept None only as numpy's default, 1.
    numpy_raises(lambda G: G(F6, edge_order=None), TypeError)
    try:
        out = numpy_gradient(F6, edge_order=None)
    except TypeError as exc:
        assert re.search(r"edge_order", str(exc)), str(exc)
    else:
        np.testing.assert_allclose(out, np.gradient(F6), rtol=1e-15)


# ---------------------------------------------------------------------------
# numpy is silently wrong or silently lenient: gradkit raises
# ---------------------------------------------------------------------------
SILENT_ROWS = [
    # edge_order other than 1 takes numpy's second-order branch.
    _row("edge_order-0", lambda G: G(F6, edge_order=0), ValueError, r"edge_order", r"\b0\b", r"positive integer"),
    _row("edge_order--1", lambda G: G(F6, edge_order=-1), ValueError, r"edge_order", r"-1", r"positive integer"),
    _row("edge_order-1.5", lambda G: G(F6, edge_order=1.5), TypeError, r"edge_order", r"1\.5", r"positive integer"),
    _row("edge_order-2.0", lambda G: G(F6, edge_order=2.0), TypeError, r"edge_order", r"2\.0", r"positive integer"),
    _row("edge_order-True", lambda G: G(F6, edge_order=True), TypeError, r"edge_order", r"True", r"positive integer"),
    # Spacings that cannot be a step: numpy returns inf / nan / zeros.
    _row("spacing-zero", lambda G: G(F6, 0.0), ValueError, r"varargs\[0\]", r"0\.0", r"non-?zero"),
    _row("spacing-zero-second-axis", lambda G: G(A2, 1.0, 0), ValueError, r"varargs\[1\]", r"\b0\b", r"non-?zero"),
    _row("spacing-nan", lambda G: G(F6, np.nan), ValueError, r"varargs\[0\]", r"nan", r"finite"),
    _row("spacing-inf", lambda G: G(F6, np.inf), ValueError, r"varargs\[0\]", r"\binf\b", r"finite"),
    _row("spacing-0d-zero", lambda G: G(F6, np.array(0.0)), ValueError, r"varargs\[0\]", r"0\.0", r"non-?zero"),
    _row("spacing-bool", lambda G: G(F6, True), TypeError, r"varargs\[0\]", r"True", r"number"),
    # Coordinates that cannot be a grid: numpy returns nan / inf with warnings.
    _row("coords-repeated", lambda G: G(np.arange(4.0) ** 2, np.array([0.0, 1.0, 1.0, 2.0])), ValueError,
         r"varargs\[0\]", r"distinct|repeated", r"1\.0"),
    _row("coords-repeated-apart", lambda G: G(np.arange(4.0) ** 2, np.array([0.0, 2.0, 1.0, 2.0])), ValueError,
         r"varargs\[0\]", r"distinct|repeated", r"2\.0"),
    _row("coords-nan", lambda G: G(np.arange(4.0) ** 2, np.array([0.0, 1.0, np.nan, 3.0])), ValueError,
         r"varargs\[0\]", r"nan", r"finite"),
    _row("coords-inf", lambda G: G(np.arange(4.0) ** 2, np.array([0.0, 1.0, 2.0, np.inf])), ValueError,
         r"varargs\[0\]", r"\binf\b", r"finite"),
    # axis=True: numpy takes it as 1.
    _row("axis-True", lambda G: G(A2, axis=True), TypeError, r"axis", r"True", r"integer"),
]


@pytest.mark.parametrize("call, exc, fragments", SILENT_ROWS)
def test_silent_numpy_cases_give_clear_errors(call, exc, fragments):
    numpy_returns(call)  # numpy does not raise
    gradkit_raises(call, exc, *fragments)


def test_numpy_really_is_silently_wrong():
    # Why the errors above exist, checked on the real numpy.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert np.array_equal(np.gradient(F6, edge_order=0), np.gradient(F6, edge_order=2))
        assert np.array_equal(np.gradient(F6, edge_order=1.5), np.gradient(F6, edge_order=2))
        assert np.all(np.isinf(np.gradient(F6, 0.0)))
        assert np.isnan(np.gradient(np.arange(4.0) ** 2, np.array([0.0, 1.0, 1.0, 2.0]))).any()


# ---------------------------------------------------------------------------
# What gradkit deliberately accepts beyond numpy: it must be right
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("edge_order", [3, 4])
def test_4_edge_order_above_2(edge_order):
    numpy_raises(lambda G: G(F6, edge_order=edge_order), ValueError)
    xs = np.array([0.0, 0.3, 0.7, 1.2, 1.4, 2.0, 2.9])
    f = xs**edge_order - 2 * xs
    exact = edge_order * xs ** (edge_order - 1) - 2
    out = numpy_gradient(f, xs, edge_order=edge_order)
    np.testing.assert_allclose(out[[0, -1]], exact[[0, -1]], rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(out[1:-1], np.gradient(f, xs)[1:-1], rtol=1e-12)


def test_4_edge_order_above_2_still_checks_the_size():
    numpy_raises(lambda G: G(np.arange(3.0), edge_order=3), ValueError)
    gradkit_raises(lambda G: G(np.arange(3.0), edge_order=3), ValueError, r"\b3 samples\b", r"at least 4\b")


def test_19_decimal_object_data():
    data = [decimal.Decimal(1), decimal.Decimal(2), decimal.Decimal(4), decimal.Decimal(7)]
    numpy_raises(lambda G: G(np.array(data)), TypeError)
    out = numpy_gradient(np.array(data))
    assert out.dtype == np.float64
    np.testing.assert_allclose(out, np.gradient(np.array([1.0, 2.0, 4.0, 7.0])), rtol=1e-15)


def test_complex_spacing_with_real_data_is_numpys():
    """numpy computes with a complex step or complex coordinates and keeps
    the real part of the result (ComplexWarning); the drop-in does the same,
    bit for bit (real data, real result)."""
    x = np.array([0, 1, 2.5, 3 + 1j, 5 - 2j, 6])
    for args in [(1j,), (2 - 1j,), (x,)]:
        for edge_order in (1, 2):
            with pytest.warns(np.exceptions.ComplexWarning):
                got = numpy_gradient(F6, *args, edge_order=edge_order)
            assert got.dtype == np.float64
            try:
                with pytest.warns(np.exceptions.ComplexWarning):
                    expected = np.gradient(F6, *args, edge_order=edge_order)
            except TypeError:
                # numpy fails obscurely with edge_order=2 on 1-D data (a complex
                # scalar written into the real output: "float() argument must
                # be ... not 'complex'"); the drop-in keeps the real part, as
                # numpy does everywhere else.
                expected = np.gradient(F6.astype(complex), *args, edge_order=edge_order).real
            np.testing.assert_array_equal(got, expected)
    # complex data keep the imaginary part, in numpy and in the drop-in
    np.testing.assert_array_equal(numpy_gradient(F6 * (1 + 1j), x), np.gradient(F6 * (1 + 1j), x))
