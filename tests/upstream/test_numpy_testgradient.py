# Upstream: numpy/lib/tests/test_function_base.py, class TestGradient, numpy v2.4.6
# (tag v2.4.6, commit 65daff092ee0f3d92f166630d32d6b9c81d99343).
# Tests: test_basic, test_args, test_badargs, test_datetime64, test_masked,
# test_second_order_accurate, test_spacing, test_specific_axes,
# test_timedelta64, test_inexact_dtypes, test_values,
# test_f_decreasing_unsigned_int[uint8|uint16|uint32|uint64],
# test_f_signed_int_big_jump[int8|int16|int32|int64],
# test_x_decreasing_unsigned[uint8|uint16|uint32|uint64],
# test_x_signed_int_big_jump[int8|int16|int32|int64], test_return_type
# (28 test items).
#
# Same inputs and assertions as upstream, run against
# gradkit.compat.numpy_gradient (upstream's `gradient` and the two direct
# `np.gradient` calls in test_masked / test_second_order_accurate are the
# drop-in here).  None of these 28 cases feeds numpy a zero/NaN spacing,
# repeated coordinates or a non-positive-int edge_order, so no upstream
# assertion had to be replaced by one of gradkit's documented refusals; the
# refusals themselves are checked next to the cases they touch at the end
# (test_values_edge_order_refusals, marked "gradkit addition").
"""numpy's ``TestGradient`` against ``gradkit.compat.numpy_gradient``."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.exceptions import AxisError
from numpy.testing import assert_, assert_almost_equal, assert_array_equal, assert_equal

from gradkit.compat import numpy_gradient as gradient


class TestGradient:
    def test_basic(self):
        v = [[1, 1], [3, 4]]
        x = np.array(v)
        dx = [np.array([[2.0, 3.0], [2.0, 3.0]]), np.array([[0.0, 0.0], [1.0, 1.0]])]
        assert_array_equal(gradient(x), dx)
        assert_array_equal(gradient(v), dx)

    def test_args(self):
        dx = np.cumsum(np.ones(5))
        dx_uneven = [1.0, 2.0, 5.0, 9.0, 11.0]
        f_2d = np.arange(25).reshape(5, 5)

        # Scalars, 0-d arrays and coordinate arrays of the axis' length are accepted.
        gradient(np.arange(5), 3.0)
        gradient(np.arange(5), np.array(3.0))
        gradient(np.arange(5), dx)
        # one scalar applies to every axis
        gradient(f_2d, 1.5)
        gradient(f_2d, np.array(1.5))

        gradient(f_2d, dx_uneven, dx_uneven)
        # even and uneven, scalar and coordinates, mixed
        gradient(f_2d, dx, 2)

        # 2-D input with the axis given
        gradient(f_2d, dx, axis=1)

        # 2-D coordinate arguments are refused (upstream: regex '.*scalars or 1d')
        with pytest.raises(ValueError, match=".*scalars or 1d"):
            gradient(f_2d, np.stack([dx] * 2, axis=-1), 1)

    def test_badargs(self):
        f_2d = np.arange(25).reshape(5, 5)
        x = np.cumsum(np.ones(5))

        # wrong sizes
        with pytest.raises(ValueError):
            gradient(f_2d, x, np.ones(2))
        with pytest.raises(ValueError):
            gradient(f_2d, 1, np.ones(2))
        with pytest.raises(ValueError):
            gradient(f_2d, np.ones(2), np.ones(2))
        # wrong number of arguments
        with pytest.raises(TypeError):
            gradient(f_2d, x)
        with pytest.raises(TypeError):
            gradient(f_2d, x, axis=(0, 1))
        with pytest.raises(TypeError):
            gradient(f_2d, x, x, x)
        with pytest.raises(TypeError):
            gradient(f_2d, 1, 1, 1)
        with pytest.raises(TypeError):
            gradient(f_2d, x, x, axis=1)
        with pytest.raises(TypeError):
            gradient(f_2d, 1, 1, axis=1)

    def test_datetime64(self):
        # special dtypes such as datetime64 are handled
        x = np.array(
            ["1910-08-16", "1910-08-11", "1910-08-10", "1910-08-12",
             "1910-10-12", "1910-12-12", "1912-12-12"],
            dtype="datetime64[D]",
        )
        dx = np.array([-5, -3, 0, 31, 61, 396, 731], dtype="timedelta64[D]")
        assert_array_equal(gradient(x), dx)
        assert_(dx.dtype == np.dtype("timedelta64[D]"))

    def test_masked(self):
        # subclasses such as masked arrays are kept
        x = np.ma.array([[1, 1], [3, 4]], mask=[[False, False], [False, False]])
        out = gradient(x)[0]
        assert_equal(type(out), type(x))
        # the output's mask is not the input's mask object
        assert_(x._mask is not out._mask)
        # edge_order=2 leaves the input's mask alone
        x2 = np.ma.arange(5)
        x2[2] = np.ma.masked
        gradient(x2, edge_order=2)  # upstream: np.gradient(x2, edge_order=2)
        assert_array_equal(x2.mask, [False, False, True, False, False])

    def test_second_order_accurate(self):
        # Relative error below 3% on this problem: second-order accurate
        # differences at every interior and boundary point.
        x = np.linspace(0, 1, 10)
        dx = x[1] - x[0]
        y = 2 * x**3 + 4 * x**2 + 2 * x
        analytical = 6 * x**2 + 8 * x + 2
        num_error = np.abs((gradient(y, dx, edge_order=2) / analytical) - 1)
        assert_(np.all(num_error < 0.03) == True)  # noqa: E712 (upstream's form)

        # uneven spacing
        rng = np.random.default_rng(0)
        x = np.sort(rng.random(10))
        y = 2 * x**3 + 4 * x**2 + 2 * x
        analytical = 6 * x**2 + 8 * x + 2
        num_error = np.abs((gradient(y, x, edge_order=2) / analytical) - 1)
        assert_(np.all(num_error < 0.03) == True)  # noqa: E712

    def test_spacing(self):
        f = np.array([0, 2.0, 3.0, 4.0, 5.0, 5.0])
        f = np.tile(f, (6, 1)) + f.reshape(-1, 1)
        x_uneven = np.array([0.0, 0.5, 1.0, 3.0, 5.0, 7.0])
        x_even = np.arange(6.0)

        fdx_even_ord1 = np.tile([2.0, 1.5, 1.0, 1.0, 0.5, 0.0], (6, 1))
        fdx_even_ord2 = np.tile([2.5, 1.5, 1.0, 1.0, 0.5, -0.5], (6, 1))
        fdx_uneven_ord1 = np.tile([4.0, 3.0, 1.7, 0.5, 0.25, 0.0], (6, 1))
        fdx_uneven_ord2 = np.tile([5.0, 3.0, 1.7, 0.5, 0.25, -0.25], (6, 1))

        # evenly spaced
        for edge_order, exp_res in [(1, fdx_even_ord1), (2, fdx_even_ord2)]:
            res1 = gradient(f, 1.0, axis=(0, 1), edge_order=edge_order)
            res2 = gradient(f, x_even, x_even, axis=(0, 1), edge_order=edge_order)
            res3 = gradient(f, x_even, x_even, axis=None, edge_order=edge_order)
            assert_array_equal(res1, res2)
            assert_array_equal(res2, res3)
            assert_almost_equal(res1[0], exp_res.T)
            assert_almost_equal(res1[1], exp_res)

            res1 = gradient(f, 1.0, axis=0, edge_order=edge_order)
            res2 = gradient(f, x_even, axis=0, edge_order=edge_order)
            assert_(res1.shape == res2.shape)
            assert_almost_equal(res2, exp_res.T)

            res1 = gradient(f, 1.0, axis=1, edge_order=edge_order)
            res2 = gradient(f, x_even, axis=1, edge_order=edge_order)
            assert_(res1.shape == res2.shape)
            assert_array_equal(res2, exp_res)

        # unevenly spaced
        for edge_order, exp_res in [(1, fdx_uneven_ord1), (2, fdx_uneven_ord2)]:
            res1 = gradient(f, x_uneven, x_uneven, axis=(0, 1), edge_order=edge_order)
            res2 = gradient(f, x_uneven, x_uneven, axis=None, edge_order=edge_order)
            assert_array_equal(res1, res2)
            assert_almost_equal(res1[0], exp_res.T)
            assert_almost_equal(res1[1], exp_res)

            res1 = gradient(f, x_uneven, axis=0, edge_order=edge_order)
            assert_almost_equal(res1, exp_res.T)

            res1 = gradient(f, x_uneven, axis=1, edge_order=edge_order)
            assert_almost_equal(res1, exp_res)

        # mixed
        res1 = gradient(f, x_even, x_uneven, axis=(0, 1), edge_order=1)
        res2 = gradient(f, x_uneven, x_even, axis=(1, 0), edge_order=1)
        assert_array_equal(res1[0], res2[1])
        assert_array_equal(res1[1], res2[0])
        assert_almost_equal(res1[0], fdx_even_ord1.T)
        assert_almost_equal(res1[1], fdx_uneven_ord1)

        res1 = gradient(f, x_even, x_uneven, axis=(0, 1), edge_order=2)
        res2 = gradient(f, x_uneven, x_even, axis=(1, 0), edge_order=2)
        assert_array_equal(res1[0], res2[1])
        assert_array_equal(res1[1], res2[0])
        assert_almost_equal(res1[0], fdx_even_ord2.T)
        assert_almost_equal(res1[1], fdx_uneven_ord2)

    def test_specific_axes(self):
        # one axis at a time
        v = [[1, 1], [3, 4]]
        x = np.array(v)
        dx = [np.array([[2.0, 3.0], [2.0, 3.0]]), np.array([[0.0, 0.0], [1.0, 1.0]])]
        assert_array_equal(gradient(x, axis=0), dx[0])
        assert_array_equal(gradient(x, axis=1), dx[1])
        assert_array_equal(gradient(x, axis=-1), dx[1])
        assert_array_equal(gradient(x, axis=(1, 0)), [dx[1], dx[0]])

        # axis=None is every axis ...
        assert_almost_equal(gradient(x, axis=None), [dx[0], dx[1]])
        # ... the same as no axis keyword
        assert_almost_equal(gradient(x, axis=None), gradient(x))

        # varargs follow the order of `axis`
        assert_array_equal(gradient(x, 2, 3, axis=(1, 0)), [dx[1] / 2.0, dx[0] / 3.0])
        # at most one vararg per axis
        with pytest.raises(TypeError):
            gradient(x, 1, 2, axis=1)

        with pytest.raises(AxisError):
            gradient(x, axis=3)
        with pytest.raises(AxisError):
            gradient(x, axis=-3)

    def test_timedelta64(self):
        # special dtypes such as timedelta64 are handled
        x = np.array([-5, -3, 10, 12, 61, 321, 300], dtype="timedelta64[D]")
        dx = np.array([2, 7, 7, 25, 154, 119, -21], dtype="timedelta64[D]")
        assert_array_equal(gradient(x), dx)
        assert_(dx.dtype == np.dtype("timedelta64[D]"))

    def test_inexact_dtypes(self):
        for dt in [np.float16, np.float32, np.float64]:
            # promoted as np.diff promotes
            x = np.array([1, 2, 3], dtype=dt)
            assert_equal(gradient(x).dtype, np.diff(x).dtype)

    def test_values(self):
        # edge_order=1 needs at least 2 points
        gradient(np.arange(2), edge_order=1)
        # edge_order=2 needs at least 3 points
        gradient(np.arange(3), edge_order=2)

        with pytest.raises(ValueError):
            gradient(np.arange(0), edge_order=1)
        with pytest.raises(ValueError):
            gradient(np.arange(0), edge_order=2)
        with pytest.raises(ValueError):
            gradient(np.arange(1), edge_order=1)
        with pytest.raises(ValueError):
            gradient(np.arange(1), edge_order=2)
        with pytest.raises(ValueError):
            gradient(np.arange(2), edge_order=2)

    @pytest.mark.parametrize("f_dtype", [np.uint8, np.uint16, np.uint32, np.uint64])
    def test_f_decreasing_unsigned_int(self, f_dtype):
        f = np.array([5, 4, 3, 2, 1], dtype=f_dtype)
        g = gradient(f)
        assert_array_equal(g, [-1] * len(f))

    @pytest.mark.parametrize("f_dtype", [np.int8, np.int16, np.int32, np.int64])
    def test_f_signed_int_big_jump(self, f_dtype):
        maxint = np.iinfo(f_dtype).max
        x = np.array([1, 3])
        f = np.array([-1, maxint], dtype=f_dtype)
        dfdx = gradient(f, x)
        assert_array_equal(dfdx, [(maxint + 1) // 2] * 2)

    @pytest.mark.parametrize("x_dtype", [np.uint8, np.uint16, np.uint32, np.uint64])
    def test_x_decreasing_unsigned(self, x_dtype):
        x = np.array([3, 2, 1], dtype=x_dtype)
        f = np.array([0, 2, 4])
        dfdx = gradient(f, x)
        assert_array_equal(dfdx, [-2] * len(x))

    @pytest.mark.parametrize("x_dtype", [np.int8, np.int16, np.int32, np.int64])
    def test_x_signed_int_big_jump(self, x_dtype):
        minint = np.iinfo(x_dtype).min
        maxint = np.iinfo(x_dtype).max
        x = np.array([-1, maxint], dtype=x_dtype)
        f = np.array([minint // 2, 0])
        dfdx = gradient(f, x)
        assert_array_equal(dfdx, [0.5, 0.5])

    def test_return_type(self):
        res = gradient(([1, 2], [2, 3]))
        assert type(res) is tuple


# ---------------------------------------------------------------------------
# gradkit addition (not upstream): the deliberate refusals next to the
# upstream cases above.  numpy accepts these inputs silently; gradkit's
# documented behaviour (docs/compat.md, "Deliberate differences") is to refuse.
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "edge_order, exc",
    [(0, ValueError), (-1, ValueError), (1.5, TypeError), (2.0, TypeError), (True, TypeError)],
)
def test_values_edge_order_refusals(edge_order, exc):
    # numpy: only edge_order > 2 is checked; 0, -1, 1.5, 2.0 take the
    # second-order branch and True is taken as 1.  gradkit: positive int only.
    np.gradient(np.arange(5.0), edge_order=edge_order)  # numpy accepts it
    with pytest.raises(exc, match="edge_order"):
        gradient(np.arange(5.0), edge_order=edge_order)


@pytest.mark.parametrize(
    "varargs",
    [(0.0,), (np.nan,), (np.inf,), ([0.0, 1.0, 1.0, 2.0, 3.0],), ([0.0, np.nan, 2.0, 3.0, 4.0],)],
    ids=["zero-step", "nan-step", "inf-step", "repeated-coords", "nan-coords"],
)
def test_spacing_refusals(varargs):
    # numpy: inf/nan results (with RuntimeWarnings); gradkit: ValueError.
    with np.errstate(all="ignore"):
        np.gradient(np.arange(5.0), *varargs)
    with pytest.raises(ValueError):
        gradient(np.arange(5.0), *varargs)
