"""Tests written for the survivors of the mutation campaign (issue 10 item 8).

Each test names, in a comment, the mutant id (tools/mutation/mutate.py) it
kills.  Oracles are independent of gradkit: numpy.gradient, analytic
derivatives, exact error types and messages.
"""

from __future__ import annotations

import numpy as np
import pytest

from gradkit.cli import main


# kills src/gradkit/cli.py:141:75:int:0 (len(tok) > 1 -> > 2): a two-character
# negative value such as "-j" (the complex number -1j) must reach the samples,
# not be taken by argparse for an unknown option.
def test_cli_two_character_negative_complex_sample(capsys):
    code = main(["explain", "1", "-j", "3", "--at", "1"])
    out, err = capsys.readouterr()
    assert code == 0, err
    expected = np.gradient(np.array([1, -1j, 3]))[1]     # (3 - 1) / 2 = 1
    assert expected == 1
    assert out.startswith("f'(x[1]) ≈ 1: "), out[:200]


# kills src/gradkit/cli.py:187:39:bool:0 (np.load(allow_pickle=False -> True)):
# a pickled (object) .npy file is refused with numpy's own reason, never
# unpickled.
def test_cli_refuses_pickled_npy(tmp_path, capsys):
    p = tmp_path / "obj.npy"
    np.save(p, np.array([1.0, 2.0, 4.0], dtype=object), allow_pickle=True)
    with pytest.raises(ValueError) as numpy_says:
        np.load(p, allow_pickle=False)
    code = main(["explain", "--file", str(p), "--at", "1"])
    out, err = capsys.readouterr()
    assert code != 0
    assert " ".join(str(numpy_says.value).split()) in err
    assert out == ""


# kills src/gradkit/cli.py:193:41:boolop:0 (isinstance(exc, ValueError) and ...
# -> or): a damaged header that numpy cannot tokenize (numpy raises a
# tokenize.TokenError, not a ValueError) is reported as an unparsable header
# naming numpy's exception type, not with numpy's raw message.
def test_cli_npy_header_that_numpy_cannot_tokenize(tmp_path, capsys):
    import struct

    header = b"{'descr': '<f8', 'fortran_order': False, 'shape': (3,), '''"
    header += b" " * (64 - 10 - len(header) - 1) + b"\n"
    p = tmp_path / "bad.npy"
    p.write_bytes(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + b"\0" * 24)
    with pytest.raises(Exception) as numpy_says:
        np.load(p, allow_pickle=False)
    assert not isinstance(numpy_says.value, (ValueError, EOFError))
    code = main(["explain", "--file", str(p), "--at", "1"])
    out, err = capsys.readouterr()
    assert code != 0 and out == ""
    assert f"its header cannot be parsed ({type(numpy_says.value).__name__})" in err


# kills src/gradkit/cli.py:228:8:raise:0 (raise -> pass): a table with a header
# row and no data rows is refused with that reason.
def test_cli_header_only_table(tmp_path, capsys):
    p = tmp_path / "h.csv"
    p.write_text("x,y\n")
    code = main(["explain", "--file", str(p), "--at", "1"])
    out, err = capsys.readouterr()
    assert code != 0 and out == ""
    assert f"--file {str(p)!r} has a header row but no rows of numbers" in err


# kills src/gradkit/compat.py:236:49:int:0 (1 << 62 -> 2 << 62): int64 input
# with |values| in [2**62, 2**63) must not wrap around in torch's integer
# subtraction (oracle: exact Python integer arithmetic).
def test_torch_gradient_large_int64_does_not_wrap():
    torch = pytest.importorskip("torch")
    from gradkit.compat import torch_gradient

    v = [-(1 << 62), 0, (1 << 62) + (1 << 61)]
    want = [v[1] - v[0], (v[2] - v[0]) / 2, v[2] - v[1]]       # exact, all positive
    (got,) = torch_gradient(torch.tensor(v, dtype=torch.int64))
    np.testing.assert_allclose(got.double().numpy(), want, rtol=1e-6)


# kills src/gradkit/compat.py:321:57:cmp:0 (op.kind != "integer" -> ==):
# gradkit's own wider edges (edge_order > 2) keep torch's result dtype
# (torch.gradient of a float64 tensor is float64), and are exact at the ends
# for a cubic.
def test_torch_gradient_edge_order_3_keeps_torch_dtype():
    torch = pytest.importorskip("torch")
    from gradkit.compat import torch_gradient

    x = torch.arange(6.0, dtype=torch.float64)
    (got,) = torch_gradient(x**3, edge_order=3)
    assert got.dtype == torch.gradient(x**3)[0].dtype == torch.float64
    exact = 3 * x**2
    assert abs(float(got[0] - exact[0])) < 1e-12 and abs(float(got[-1] - exact[-1])) < 1e-9


# kills src/gradkit/compat.py:367:80:int:0 (eps only for edge_order > 2 -> > 3,
# Dask path): edge_order=3 on a Dask array is exact at both ends for a cubic,
# lazily, in float64.  (compat.py:368:51:int:0, the branch test itself, still
# survives: both branches give the same bits, see REPORT.md.)
def test_numpy_gradient_dask_edge_order_3():
    da = pytest.importorskip("dask.array")
    from gradkit.compat import numpy_gradient

    x = np.arange(8.0)
    got = numpy_gradient(da.from_array(x**3, chunks=4), edge_order=3)
    assert isinstance(got, da.Array) and got.dtype == np.float64
    g = got.compute(scheduler="sync")
    np.testing.assert_allclose(g[[0, -1]], (3 * x**2)[[0, -1]], rtol=1e-12, atol=1e-12)
    # interior: numpy's central difference
    np.testing.assert_allclose(g[1:-1], np.gradient(x**3)[1:-1], rtol=1e-14)
    # and (docstring) any coordinates with edge_order > 2: float32 ones too
    got = numpy_gradient(da.from_array(x**3, chunks=4), x.astype(np.float32), edge_order=3)
    g = got.compute(scheduler="sync")
    np.testing.assert_allclose(g[[0, -1]], (3 * x**2)[[0, -1]], rtol=1e-5, atol=1e-5)


# kills src/gradkit/compat.py:381:38:not:0 (not quick -> quick): on Dask,
# float64 coordinates with float64 data are taken (numpy.gradient's numbers)
# and float32 coordinates are refused with a TypeError.
def test_numpy_gradient_dask_coordinate_dtypes():
    da = pytest.importorskip("dask.array")
    from gradkit.compat import numpy_gradient

    f = np.arange(8.0) ** 2
    x = np.cumsum(np.arange(1.0, 9.0))
    got = numpy_gradient(da.from_array(f, chunks=4), x).compute(scheduler="sync")
    np.testing.assert_allclose(got, np.gradient(f, x), rtol=1e-13)
    with pytest.raises(TypeError, match="coordinates of dtype float32"):
        numpy_gradient(da.from_array(f, chunks=4), x.astype(np.float32))


# kills src/gradkit/kernels/chunked.py:97:23:binop:0 (x - period -> x + period)
# and src/gradkit/kernels/chunked.py:100:31:int:1 (max(lo, 0) -> max(lo, 1)):
# periodic non-uniform coordinates on Dask chunks; oracle: numpy.gradient on
# the grid extended by one sample a period away at each end.
def test_dask_periodic_coordinates_match_numpy_on_the_wrapped_grid():
    da = pytest.importorskip("dask.array")
    import gradkit

    period = 10.0
    x = np.cumsum(np.linspace(0.5, 1.3, 8))
    x -= x[0]
    f = np.sin(2 * np.pi * x / period)
    xp = np.concatenate([x[-1:] - period, x, x[:1] + period])
    fp = np.concatenate([f[-1:], f, f[:1]])
    want = np.gradient(fp, xp)[1:-1]
    got = gradkit.derivative(da.from_array(f, chunks=3), 1, spacing=x, boundary="periodic", period=period)
    np.testing.assert_allclose(got.compute(scheduler="sync"), want, rtol=1e-12, atol=1e-14)


# kills src/gradkit/stencils.py:137:19:cmp:0 (len(points) <= _EXACT_POINTS -> <):
# 64 points still get the exact, correctly rounded weights (oracle: the
# Lagrange derivative at a node, in exact rational arithmetic).
def test_fornberg_weights_64_points_are_correctly_rounded():
    from fractions import Fraction

    from gradkit.stencils import fornberg_weights

    n, i = 64, 20
    xs = [Fraction(k) for k in range(n)]
    exact = []
    for j in range(n):
        if j == i:
            exact.append(sum(1 / (xs[i] - xs[k]) for k in range(n) if k != i))
            continue
        w = 1 / (xs[j] - xs[i])
        for m in range(n):
            if m not in (i, j):
                w *= (xs[i] - xs[m]) / (xs[j] - xs[m])
        exact.append(w)
    want = np.array([float(w) for w in exact])   # float(Fraction) rounds correctly
    np.testing.assert_array_equal(fornberg_weights(np.arange(float(n)), 1, float(i)), want)


# kills src/gradkit/stencils.py:325:15:return:0 (return [step] * order -> None):
# a Python-float step whose power overflows (1e200**2 raises OverflowError)
# is divided by twice; analytic f'' of f = x**2 * 1e300 / h**2 is 2e-100.
def test_second_derivative_with_a_step_whose_square_overflows():
    import gradkit

    h = 1e200
    f = np.arange(6.0) ** 2 * 1e300
    np.testing.assert_allclose(gradkit.derivative(f, 2, spacing=h)[1:-1], 2e-100, rtol=1e-12)


# kills src/gradkit/explain.py:528:12:boolop:3 (and -> or): the "up to
# floating-point rounding" note appears only when the result is not exact.
def test_explain_rounding_note_only_when_inexact():
    import gradkit

    exact = [1.0, 2.0, 4.0]
    assert np.gradient(exact)[1] == 1.5
    assert "up to floating-point rounding" not in str(gradkit.explain(exact, 1))
    inexact = [0.1, 0.2, 0.4]
    assert repr(float(np.gradient(inexact)[1])) != "0.15"      # 0.15000000000000002
    assert "up to floating-point rounding" in str(gradkit.explain(inexact, 1))


# kills src/gradkit/explain.py:862:26:binop:0 (set_ylim(level - 0.1 * yr, ...)
# -> level + 0.1 * yr): in the stencil plot, each gap's double arrow and its
# label ("hl = ...", "hr = ...", above the arrow) lie inside the axes' y-range.
def test_explain_plot_gap_labels_sit_above_their_arrows():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.text import Annotation

    import gradkit

    ax = gradkit.explain([4.0, 1.0, 1.0, 16.0], 1, spacing=[-2.0, -1.0, 1.0, 4.0]).plot()
    try:
        arrows = [t for t in ax.texts if isinstance(t, Annotation) and t.get_text() == ""]
        labels = {t.get_text().split(" =")[0]: t for t in ax.texts if t.get_text().startswith(("hl =", "hr ="))}
        assert len(arrows) == 2 and set(labels) == {"hl", "hr"}
        for arrow, name in zip(sorted(arrows, key=lambda a: a.xy[0]), ("hl", "hr")):
            level = arrow.xy[1]
            lx, ly = labels[name].get_position()
            assert min(arrow.xy[0], arrow.xyann[0]) < lx < max(arrow.xy[0], arrow.xyann[0])
            assert ly > level
            lo, hi = ax.get_ylim()
            assert lo < level < hi and lo < ly < hi
    finally:
        plt.close("all")


class _FakeParallel:
    targetoptions = {"parallel": True}

    def __call__(self, *args):
        return "parallel"


def _fake_kernels():
    import types

    from gradkit.kernels import _threads

    mod = types.ModuleType("fake_compiled_kernels")
    mod.run_parallel = _FakeParallel()
    mod.run_serial = lambda *args: "serial"
    return _threads._Kernels(mod)


# kills src/gradkit/kernels/_threads.py:264:68:boolop:0 (forked_by != starter
# or other_users -> and) and src/gradkit/kernels/_threads.py:158:15:return:0
# (_serial returns None): the module's rule: in a child forked by a thread
# other than the one that started TBB, the parallel kernels are not used (the
# serial twin runs); forked by the starter with no other user, they are.
def test_fork_rule_for_tbb():
    k = _fake_kernels()
    k._started, k.layer, k._starter = True, "tbb", 1
    k._fork_state = (2, False, False, False)   # forked by thread 2, none in flight, no other users
    k._after_fork_in_child()
    assert k._serial_only
    assert k.run_parallel() == "serial"

    k = _fake_kernels()
    k._started, k.layer, k._starter = True, "tbb", 1
    k._fork_state = (1, False, False, False)   # forked by the starter
    k._after_fork_in_child()
    assert not k._serial_only
    assert k.run_parallel() == "parallel"


# kills src/gradkit/stencils.py:394:73:binop:0 (torch recipe's right edge,
# edge_order=2, on coordinates): the last point's derivative is torch's
# (bit for bit through the drop-in) and numpy's (to rounding).
def test_right_edge_second_order_on_coordinates():
    torch = pytest.importorskip("torch")
    import gradkit
    from gradkit.compat import torch_gradient

    x = np.array([0.0, 0.7, 1.1, 2.0, 3.4, 3.9])
    f = np.sin(x) + x**2
    (want,) = torch.gradient(torch.tensor(f), spacing=(torch.tensor(x),), edge_order=2)
    (got,) = torch_gradient(torch.tensor(f), spacing=(torch.tensor(x),), edge_order=2)
    np.testing.assert_array_equal(got.numpy(), want.numpy())
    (g,) = gradkit.gradient(f, spacing=x, edge_order=2)
    np.testing.assert_allclose(g, np.gradient(f, x, edge_order=2), rtol=1e-13)


# kills src/gradkit/_args.py:519:23:boolop:0 (host and ... -> host or ...):
# exactly evenly spaced coordinates are a uniform grid (as in numpy.gradient)
# in explain too, which plans on the host.
def test_explain_evenly_spaced_coordinates_are_a_uniform_grid():
    import gradkit

    f = [1.0, 4.0, 9.0, 16.0]
    e = gradkit.explain(f, 1, spacing=[0.0, 2.0, 4.0, 6.0])
    assert e.uniform
    assert e.result == np.gradient(f, 2.0)[1]


# kills src/gradkit/cli.py:521:12:raise:0 (raise -> pass): complex --coords
# are refused with that reason.
def test_cli_refuses_complex_coordinates(capsys):
    code = main(["explain", "1", "2", "4", "--coords", "0", "1j", "2", "--at", "1"])
    out, err = capsys.readouterr()
    assert code != 0 and out == ""
    assert "--coords must be real numbers" in err


# kills src/gradkit/explain.py:1074:37:cmp:0 (0 <= j -> 0 < j) and
# src/gradkit/explain.py:1077:11:return:0 (return host -> None): explaining
# a point of a Dask line reads the samples its stencil needs, sample 0
# included; oracle: numpy.gradient of the computed line.
def test_explain_dask_line_reads_sample_zero():
    da = pytest.importorskip("dask.array")
    import gradkit

    f = np.array([3.0, 5.0, 11.0, 2.0, 7.0, 1.0, 8.0, 4.0])
    e = gradkit.explain(da.from_array(f, chunks=3), 1)
    assert 0 in list(e.indices)
    np.testing.assert_array_equal(np.asarray(e.values, dtype=float), f[list(e.indices)])
    assert e.result == np.gradient(f)[1]
    e = gradkit.explain(da.from_array(f, chunks=3), 0, boundary="periodic")
    assert e.result == (f[1] - f[-1]) / 2


# kills src/gradkit/kernels/cpu.py:205:38:binop:0 (f.ndim - 1 - axis -> + 1):
# Fortran-ordered data is differentiated along the axis asked for.
def test_fortran_ordered_data_matches_numpy():
    import gradkit

    f = np.asfortranarray(np.random.default_rng(7).standard_normal((6, 9)))
    assert f.flags.f_contiguous and not f.flags.c_contiguous
    for axis in (0, 1):
        (g,) = gradkit.gradient(f, axis=axis)
        np.testing.assert_allclose(g, np.gradient(f, axis=axis), rtol=1e-13, atol=1e-15)


# kills src/gradkit/explain.py:1392:36:binop:0 (i + hi + 1 -> i + hi - 1): on
# a periodic axis the plot's context is the same two samples either side of
# the stencil as on a one-sided axis, away from the ends.
def test_explain_periodic_context_matches_one_sided_inside():
    import gradkit

    f = np.arange(10.0) ** 2
    per = gradkit.explain(f, 5, boundary="periodic")._detail
    one = gradkit.explain(f, 5)._detail
    np.testing.assert_array_equal(one.context_values, f[2:9])
    np.testing.assert_array_equal(per.context_values, one.context_values)


# kills src/gradkit/stencils.py:1040:26:boolop:0 (coords is not None or traced
# -> and): coordinates take precedence over a step given with them; the
# plan's stencils are those of the coordinates alone (and numpy.gradient's).
def test_plan_axis_coordinates_override_a_step():
    from gradkit.stencils import plan_axis

    x = np.array([0.0, 1.0, 3.0, 4.0, 7.0])
    both, alone = plan_axis(5, step=2.0, coords=x), plan_axis(5, coords=x)
    assert both.step is None
    f = x**2
    for i in range(5):
        (ib, wb), (ia, wa) = both.stencil(i), alone.stencil(i)
        np.testing.assert_array_equal(ib, ia)
        np.testing.assert_array_equal(wb, wa)
        assert np.isclose(float(np.dot(wb, f[ib])), np.gradient(f, x)[i], rtol=1e-12)


# kills src/gradkit/_args.py:341:35:int:0 (getattr(value, "ndim", 0) -> 1) and
# src/gradkit/_args.py:341:38:cmp:0 (== 1 -> != 1): concrete JAX coordinates
# take the traced path only when they are a 1-D real floating jax.Array
# (JAX itself is not needed: a stand-in jax module with an Array class).
def test_concrete_jax_coordinates_rule(monkeypatch):
    import sys
    import types

    from gradkit import _args

    class Array:
        def __init__(self, dtype, ndim=None):
            self.dtype = dtype
            if ndim is not None:
                self.ndim = ndim

    fake = types.ModuleType("jax")
    fake.Array = Array
    monkeypatch.setitem(sys.modules, "jax", fake)
    assert _args._is_jax_float(Array("float32", 1))
    assert not _args._is_jax_float(Array("float32", 2))
    assert not _args._is_jax_float(Array("float32"))      # no ndim: not 1-D
    assert not _args._is_jax_float(Array("int32", 1))
    assert not _args._is_jax_float(np.zeros(3))           # not a jax.Array


# kills src/gradkit/cli.py:235:11:return:0 (_first_data returns None): a
# table whose column count changes at a chunk boundary (the reader's header
# scan reads the first 64 KiB, 16384 lines of "1 2", as its first chunk)
# names the first line of the new width, counted from 1 past the comment.
def test_cli_column_count_change_at_a_chunk_boundary(tmp_path, capsys):
    n = 16384
    p = tmp_path / "t.txt"
    p.write_text("1 2\n" * n + "# c\n5 6 7\n8 9 10\n")
    code = main(["explain", "--file", str(p), "--at", "1"])
    out, err = capsys.readouterr()
    assert code != 0 and out == ""
    assert f"line {n + 2} has 3 cells, but line 1 has 2" in err


# kills src/gradkit/_args.py:776:12:raise:0 (raise -> pass): out= of an array
# library whose arrays cannot be assigned into (JAX arrays are immutable; or
# no __setitem__ at all) is refused with a TypeError, not accepted and then
# failing (or silently not written) later.  Stand-in array classes: JAX is not
# needed.
def test_out_of_an_immutable_array_library_is_refused():
    from gradkit import _args
    from gradkit._arrays import Operand

    def make(module, settable):
        ns = {"__init__": lambda self: None, "shape": (4,), "dtype": np.dtype("float64"), "__module__": module}
        if settable:
            ns["__setitem__"] = lambda self, key, value: None
        return type("Array", (), ns)

    for cls in (make("jax._src.array", True), make("immutable_arrays", False)):
        op = Operand(cls(), None, "real", False)
        with pytest.raises(TypeError, match=f"arrays of {cls.__module__} cannot be written in place"):
            _args.check_out(cls(), op, [np.dtype("float64")], "derivative", False)


# ---------------------------------------------------------------------------
# Survivors of the fresh sample (seed 1203, 2026-12-03)
# ---------------------------------------------------------------------------
# kills src/gradkit/explain.py:577:55:int:0 (order >= 1 -> >= 2, before the
# split into explain/): on a uniform grid a first derivative is substituted as
# its rational form, (f[i+1] - f[i-1]) / (2h), worked on the numbers.
def test_explain_substitutes_the_rational_form_of_a_uniform_first_derivative():
    import gradkit

    f = np.array([1.0, 4, 9, 16, 25])
    text = str(gradkit.explain(f, 2, spacing=0.5))
    section = text.split("Substituted:")[1].split("Result:")[0]
    assert "(-4 + 16) / (2·0.5)" in section  # f[3] - f[1] over 2h, by hand
    assert "= 12 / 1" in section and np.gradient(f, 0.5)[2] == 12


# kills src/gradkit/explain.py:590:27:cmp:0 (len(terms) > 1 -> >= 1): a
# one-term sum (order 0) is not restated term by term: the substitution is
# the product and its value, two lines.
def test_explain_one_term_substitution_has_no_restated_sum():
    import gradkit

    text = str(gradkit.explain([1.0, 4, 9, 16, 25], 2, order=0))
    section = text.split("Substituted:")[1].split("Result:")[0].strip().splitlines()
    assert [line.strip() for line in section] == ["f(x[2]) ≈ 1·9", "= 9"]


# kills src/gradkit/_args.py:286:13:cmp:0 (digest is not None -> is None):
# coordinates already validated are found by their digest, not scanned again.
def test_validated_coordinates_are_not_scanned_twice(monkeypatch):
    import gradkit
    from gradkit import _args

    x = np.cumsum(np.random.default_rng(11).random(257)) + 0.25
    calls = []
    scan = _args._scan
    monkeypatch.setattr(_args, "_scan", lambda v: calls.append(len(v)) or scan(v))
    first = gradkit.gradient(np.sin(x), spacing=(x,))[0]
    second = gradkit.gradient(np.cos(x), spacing=(x.copy(),))[0]
    assert calls == [257]
    np.testing.assert_array_equal(first, np.gradient(np.sin(x), x))
    np.testing.assert_array_equal(second, np.gradient(np.cos(x), x))


# kills src/gradkit/cli.py:547:12:raise:0 (raise -> pass): --at all draws a
# 1-D line; N-D data without a point is refused with a usage error.
def test_cli_at_all_refuses_nd_data(tmp_path, capsys):
    np.save(tmp_path / "g.npy", np.arange(12.0).reshape(3, 4))
    code = main(["explain", "--file", str(tmp_path / "g.npy"), "--at", "all", "--axis", "1"])
    err = capsys.readouterr().err
    assert code == 2 and "--at all shows a 1-D line" in err and "--at 0,0" in err


# kills src/gradkit/explain.py:914:37:bool:0 (_latex_num(exact=False -> True)):
# LaTeX shows weights and samples to six digits like the text; only the
# result is written out exactly.
def test_explain_latex_rounds_weights_like_the_text():
    import gradkit

    tex = gradkit.explain([1.0, 2, 4, 7], 1, spacing=[0, 1, 3, 4.5]).to_latex()
    # -hr/(hl (hl + hr)) = -2/3 with hl = 1, hr = 2
    assert "(-0.666667)(1) + (0.5)(2) + (0.166667)(4)" in tex and "0.6666666" not in tex


# kills src/gradkit/explain.py:1238:26:boolop:0 (plan.periodic and any(...) ->
# or): on a periodic axis only stencils that cross an end say they wrap.
def test_explain_periodic_interior_point_does_not_wrap():
    import gradkit

    f = np.sin(np.arange(8.0))
    assert "wraps" not in gradkit.explain(f, 3, boundary="periodic").scheme
    assert "(wraps around the end)" in gradkit.explain(f, 0, boundary="periodic").scheme


# kills src/gradkit/_args.py:780:16:raise:0 (raise -> pass): one array given
# twice in out= would hold only the last component; it is refused.
def test_out_with_the_same_array_twice_is_refused():
    import gradkit

    f = np.random.default_rng(5).random((4, 5))
    o = np.zeros_like(f)
    with pytest.raises(ValueError, match=r"out\[0\] and out\[1\] are the same array"):
        gradkit.gradient(f, out=(o, o))
    assert not o.any()  # nothing written
    a, b = np.empty_like(f), np.empty_like(f)
    got = gradkit.gradient(f, out=(a, b))
    assert got[0] is a and got[1] is b
    for g, w in zip(got, np.gradient(f)):
        np.testing.assert_array_equal(g, w)


# kills src/gradkit/cli.py:582:46:int:1 (len(token) > 1 -> > 0): a lone "-"
# (standard input elsewhere) is an unexpected argument to explain, not an
# unknown option.
def test_cli_lone_dash_is_an_unexpected_argument(capsys):
    code = main(["explain", "1", "2", "3", "--at", "1", "-"])
    err = capsys.readouterr().err
    assert code == 2
    assert "unexpected argument '-'" in err and "unknown option" not in err


# Written for src/gradkit/stencils.py:985:90:bool:0 (_plan_uncached(traced=False
# -> True)), which proved equivalent (tools/mutation/results/equivalent.txt);
# kept as the only bit-for-bit check of a long coordinate axis (beyond
# HASH_ALWAYS_BELOW, planned without hashing) in gradient, derivative and
# the drop-in.
def test_long_coordinate_axes_match_numpy_bit_for_bit():
    import gradkit
    from gradkit import stencils
    from gradkit.compat import numpy_gradient

    n = stencils.HASH_ALWAYS_BELOW + 4099
    x = np.cumsum(np.random.default_rng(8).random(n) + 0.01)
    f = np.sin(x)
    for edge_order in (1, 2):
        want = np.gradient(f, x, edge_order=edge_order)
        np.testing.assert_array_equal(gradkit.derivative(f, 1, spacing=x, edge_order=edge_order), want)
        np.testing.assert_array_equal(gradkit.gradient(f, spacing=(x,), edge_order=edge_order)[0], want)
        np.testing.assert_array_equal(numpy_gradient(f, x, edge_order=edge_order), want)
