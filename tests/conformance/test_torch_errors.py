"""gradkit.compat.torch_gradient against torch.gradient's error catalogue.

For every row of the catalogue in the behaviour reference (section 1.11) and
every "silent non-error", the test runs the real ``torch.gradient`` first and
asserts that torch still behaves as recorded, then checks gradkit's drop-in:

* where torch raises deliberately, gradkit raises a compatible type:
  ``RuntimeError`` -> ``TorchCompatError`` (a ``ValueError`` *and* a
  ``RuntimeError``), ``TypeError`` stays ``TypeError``, ``IndexError`` stays
  ``IndexError``;
* where torch is silently wrong, gradkit gives the correct value (from an
  independent oracle: numpy.gradient in float64, an analytic derivative, or
  torch itself on the form it accepts) or a clear error;
* where gradkit deliberately accepts more than torch, the result is correct.
"""

from __future__ import annotations

import re
import warnings
from typing import Any, Callable

import numpy as np
import pytest
import torch

import gradkit
from gradkit.compat import TorchCompatError, torch_gradient


def t():
    """The catalogue's standard input: d/dim0 = 4, d/dim1 = 1."""
    return torch.arange(12.0).reshape(3, 4)


def torch_raises(call: Callable[[Any], Any], exc: type[BaseException], exact: bool = True) -> BaseException:
    """Run ``call(torch.gradient)``; assert it raises ``exc`` (exactly that class if ``exact``)."""
    with pytest.raises(exc) as info:
        call(torch.gradient)
    if exact:
        assert type(info.value) is exc, f"torch now raises {type(info.value).__name__}: {info.value}"
    return info.value


def torch_returns(call: Callable[[Any], Any]) -> tuple:
    """Run ``call(torch.gradient)`` and assert it does *not* raise (a silent case)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return call(torch.gradient)


def gradkit_raises(call, exc, *fragments: str) -> BaseException:
    with pytest.raises(exc) as info:
        call(torch_gradient)
    for frag in fragments:
        assert re.search(frag, str(info.value)), f"message does not match {frag!r}: {info.value}"
    return info.value


def assert_matches(actual, expected, rtol=1e-6, atol=1e-6, dtype=None):
    assert isinstance(actual, tuple) and len(actual) == len(expected)
    for a, e in zip(actual, expected):
        assert isinstance(a, torch.Tensor)
        if dtype is not None:
            assert a.dtype == dtype, f"dtype {a.dtype}, expected {dtype}"
        e = torch.as_tensor(np.asarray(e)).to(torch.float64)
        assert a.shape == e.shape
        torch.testing.assert_close(a.to(torch.float64), e, rtol=rtol, atol=atol)


# ---------------------------------------------------------------------------
# Rows where torch raises and gradkit must raise a compatible type
# ---------------------------------------------------------------------------
def _row(id_, call, torch_exc, *fragments):
    return pytest.param(call, torch_exc, fragments, id=id_)


RAISING_ROWS = [
    # 1-6: wrong number of spacings.
    _row("1-spacing-len1", lambda G: G(t(), spacing=[0.1]), RuntimeError, r"spacing", r"\b1\b"),
    _row("2-spacing-len3", lambda G: G(t(), spacing=[1.0, 2.0, 3.0]), RuntimeError, r"spacing", r"\b3\b"),
    _row("3-spacing-empty", lambda G: G(t(), spacing=[]), RuntimeError, r"spacing", r"\b0\b"),
    _row("4-spacing-len1-dim-len2", lambda G: G(t(), spacing=[0.1], dim=(1, 0)), RuntimeError, r"spacing", r"\b1\b", r"\b2\b"),
    _row("5-spacing-len2-dim-int", lambda G: G(t(), spacing=[1.0, 2.0], dim=1), RuntimeError, r"spacing", r"\b2\b", r"\b1\b"),
    _row("6-spacing-len1-dim-empty", lambda G: G(t(), spacing=[torch.arange(3.0)], dim=[]),
         RuntimeError, r"spacing", r"\b1\b", r"\b0\b"),
    # 7: edge_order not a positive integer (> 2 is accepted by gradkit: see below).
    _row("7-edge_order-0", lambda G: G(t(), edge_order=0), RuntimeError, r"edge_order", r"\b0\b"),
    _row("7-edge_order--1", lambda G: G(t(), edge_order=-1), RuntimeError, r"edge_order", r"-1"),
    # 7 on the 3x4 input: edge_order=3 needs 4 samples along dim 0.
    _row("7-edge_order-3-too-short", lambda G: G(t(), edge_order=3), RuntimeError, r"dim 0", r"\b3 samples\b", r"at least 4\b"),
    # 8: edge_order of the wrong type.
    _row("8-edge_order-float", lambda G: G(t(), edge_order=1.0), TypeError, r"edge_order", r"1\.0"),
    _row("8-edge_order-bool", lambda G: G(t(), edge_order=True), TypeError, r"edge_order", r"True"),
    # 9-10: repeated dims.
    _row("9-dim-repeated", lambda G: G(t(), dim=(1, 1)), RuntimeError, r"dim", r"\b1\b"),
    _row("10-dim-repeated-after-wrap", lambda G: G(t(), dim=[0, -2]), RuntimeError, r"dim", r"\b0\b"),
    # 11-12: dims out of range.
    _row("11-dim-2", lambda G: G(t(), dim=2), IndexError, r"dim", r"\b2\b", r"\[-2, 1\]"),
    _row("11-dim-list-with-2", lambda G: G(t(), dim=[0, 2]), IndexError, r"dim", r"\b2\b", r"\[-2, 1\]"),
    _row("12-dim--3", lambda G: G(t(), dim=-3), IndexError, r"dim", r"-3", r"\[-2, 1\]"),
    # 13: dim of the wrong type.
    _row("13-dim-float", lambda G: G(t(), dim=1.0), TypeError, r"dim", r"1\.0"),
    _row("13-dim-str", lambda G: G(t(), dim="x"), TypeError, r"dim", r"'x'"),
    # 14: a differentiated dim too short.
    _row("14-size1-dim", lambda G: G(torch.tensor([[1.0], [2.0], [3.0]])), RuntimeError, r"dim 1", r"at least 2\b"),
    _row("14-one-element", lambda G: G(torch.tensor([5.0])), RuntimeError, r"dim 0", r"at least 2\b"),
    _row("14-empty", lambda G: G(torch.tensor([])), RuntimeError, r"dim 0", r"at least 2\b"),
    _row("14-2x2-edge_order-2", lambda G: G(torch.ones(2, 2), edge_order=2), RuntimeError, r"dim 0", r"at least 3\b"),
    _row("14-selected-size1", lambda G: G(torch.ones(1, 5), dim=0), RuntimeError, r"dim 0", r"at least 2\b"),
    # 15: dim on a 0-d input.
    _row("15-dim0-on-0d", lambda G: G(torch.tensor(3.0), dim=0), IndexError, r"dim", r"\b0\b"),
    # 16-18: calling convention.
    _row("16-positional-spacing", lambda G: G(t(), 2.0), TypeError),
    _row("17-input-list", lambda G: G([1.0, 2.0, 3.0]), TypeError, r"input|Tensor", r"list"),
    _row("18-input-ndarray", lambda G: G(np.array([1.0, 2.0, 3.0])), TypeError, r"input|Tensor", r"ndarray"),
    # 25: a string spacing.
    _row("25-spacing-str", lambda G: G(t(), spacing="a"), TypeError, r"spacing", r"'a'"),
    # 28: an unknown keyword.
    _row("28-out-keyword", lambda G: G(t(), spacing=[torch.arange(3.0)], dim=[0], edge_order=1, out=None), TypeError, r"out"),
    # 29: a 2-D coordinate tensor.
    _row("29-coords-2d", lambda G: G(t(), spacing=[torch.arange(3.0).reshape(3, 1), torch.arange(4.0)]),
         RuntimeError, r"spacing\[0\]", r"\(3, 1\)", r"1-D"),
    # 33: coordinates on another device than the input.
    _row("33-coords-other-device", lambda G: G(t(), spacing=[torch.arange(3.0), torch.arange(4.0, device="meta")]),
         RuntimeError, r"device", r"meta", r"cpu"),
    # 36-37: boolean data or coordinates (torch: RuntimeError from its kernels).
    _row("36-bool-input", lambda G: G(torch.tensor([True, False, True])), RuntimeError, r"bool"),
    _row("37-bool-coords", lambda G: G(torch.tensor([1.0, 2.0, 4.0]), spacing=[torch.tensor([True, False, True])]),
         RuntimeError, r"spacing", r"bool"),
]


@pytest.mark.parametrize("call, torch_exc, fragments", RAISING_ROWS)
def test_catalogue_row_raises_compatible_error(call, torch_exc, fragments):
    torch_raises(call, torch_exc)
    if torch_exc is RuntimeError:
        # TorchCompatError (ValueError + RuntimeError); for dtype mistakes a class that is
        # both a TypeError and a RuntimeError would be as good.
        err = gradkit_raises(call, RuntimeError, *fragments)
        assert isinstance(err, (TorchCompatError, TypeError)), type(err)
    else:
        gradkit_raises(call, torch_exc, *fragments)


def test_torch_compat_error_is_value_error_and_runtime_error():
    assert issubclass(TorchCompatError, ValueError) and issubclass(TorchCompatError, RuntimeError)
    with pytest.raises(TorchCompatError):
        torch_gradient(t(), dim=(1, 1))


# ---------------------------------------------------------------------------
# Rows torch refuses because of a missing kernel; gradkit must not be worse
# ---------------------------------------------------------------------------
def test_38_float8_input_is_correct_or_a_clear_error():
    x = torch.tensor([1.0, 2.0, 4.0, 7.0])
    torch_raises(lambda G: G(x.to(torch.float8_e4m3fn)), NotImplementedError)
    try:
        (out,) = torch_gradient(x.to(torch.float8_e4m3fn))
    except (NotImplementedError, TypeError) as exc:
        assert re.search(r"float8", str(exc), re.IGNORECASE), str(exc)
    else:
        expected = np.gradient(x.to(torch.float8_e4m3fn).float().numpy().astype(np.float64))
        torch.testing.assert_close(out.float(), torch.tensor(expected, dtype=torch.float32), rtol=0.13, atol=0.13)


def test_39_sparse_input_is_a_clear_error():
    torch_raises(lambda G: G(t().to_sparse()), NotImplementedError)
    err = gradkit_raises(lambda G: G(t().to_sparse()), (NotImplementedError, TypeError))
    assert re.search(r"sparse", str(err), re.IGNORECASE), str(err)


# ---------------------------------------------------------------------------
# Row 41 and its relative: a spacing that requires grad
# ---------------------------------------------------------------------------
def test_41_scalar_spacing_requiring_grad_is_refused_or_differentiable():
    f = torch.tensor([1.0, 2.0, 4.0, 7.0, 11.0], dtype=torch.float64)
    h = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    torch_raises(lambda G: G(f, spacing=h), TypeError)
    try:
        (out,) = torch_gradient(f, spacing=h)
    except TypeError as exc:
        assert re.search(r"spacing", str(exc)), str(exc)
        return
    # Accepted: then d(out)/dh must be right, not silently dropped. out = g1 / h, so d(sum out)/dh = -sum(g1)/h^2.
    assert out.requires_grad, "the spacing requires grad but the result is detached from it"
    out.sum().backward()
    g1 = np.gradient(f.numpy())
    assert h.grad is not None
    np.testing.assert_allclose(h.grad.item(), -g1.sum() / 4.0, rtol=1e-12)


def test_coordinates_requiring_grad_work_like_torch():
    # torch differentiates through coordinate tensors (gradcheck passes upstream).
    f = torch.tensor([1.0, 2.0, 4.0, 7.0, 11.0], dtype=torch.float64)
    x_ref = torch.tensor([0.0, 1.0, 3.0, 4.0, 7.0], dtype=torch.float64, requires_grad=True)
    (ref,) = torch.gradient(f, spacing=[x_ref])
    ref.pow(2).sum().backward()
    x = x_ref.detach().clone().requires_grad_()
    (out,) = torch_gradient(f, spacing=[x])
    torch.testing.assert_close(out, ref.detach(), rtol=1e-12, atol=0)
    assert out.requires_grad, "coordinates require grad but the result is detached from them"
    out.pow(2).sum().backward()
    torch.testing.assert_close(x.grad, x_ref.grad, rtol=1e-10, atol=1e-12)


# ---------------------------------------------------------------------------
# Silent non-errors of torch: gradkit gives a clear error
# ---------------------------------------------------------------------------
SILENT_ROWS = [
    # Wrong coordinate lengths that broadcast: torch returns a wrong shape or wrong values.
    _row("coords-4-for-dim-size-3", lambda G: G(t(), spacing=[torch.arange(4.0)], dim=0),
         None, r"spacing", r"\b4\b", r"\b3\b"),
    _row("coords-10-for-dim-size-3", lambda G: G(t(), spacing=[torch.arange(10.0)], dim=0),
         None, r"spacing", r"\b10\b", r"\b3\b"),
    _row("coords-6-for-3-samples", lambda G: G(torch.arange(3.0) ** 2, spacing=[torch.arange(6.0)]),
         None, r"spacing", r"\b6\b", r"\b3\b"),
    _row("coords-3-for-6-samples", lambda G: G(torch.arange(6.0) ** 2, spacing=[torch.arange(3.0)]),
         None, r"spacing", r"\b3\b", r"\b6\b"),
    # Rows 31-32: other mismatches, where torch's error quotes internal sizes.
    _row("31-coords-5-for-4", lambda G: G(t(), spacing=[torch.arange(5.0)], dim=1), RuntimeError, r"spacing", r"\b5\b", r"\b4\b"),
    _row("32-coords-2-for-4", lambda G: G(t(), spacing=[torch.arange(2.0)], dim=1), RuntimeError, r"spacing", r"\b2\b", r"\b4\b"),
    _row("32-coords-1-for-4", lambda G: G(t(), spacing=[torch.arange(1.0)], dim=1), RuntimeError, r"spacing", r"\b1\b", r"\b4\b"),
    # Scalar spacings that cannot be a step.
    _row("spacing-zero", lambda G: G(torch.arange(4.0) ** 2, spacing=0), None, r"spacing", r"\b0\b", r"non-?zero"),
    _row("spacing-nan", lambda G: G(torch.arange(4.0) ** 2, spacing=float("nan")), None, r"spacing", r"nan", r"finite"),
    _row("spacing-inf", lambda G: G(torch.arange(4.0) ** 2, spacing=float("inf")), None, r"spacing", r"\binf\b", r"finite"),
    _row("spacing-zero-in-list", lambda G: G(t(), spacing=[1.0, 0.0]), None, r"spacing\[1\]", r"non-?zero"),
    # Repeated coordinates: torch returns nan/inf.
    _row("coords-repeated", lambda G: G(torch.arange(4.0) ** 2, spacing=[torch.tensor([0.0, 1.0, 1.0, 2.0])]),
         None, r"spacing", r"distinct|repeated", r"1\.0"),
    _row("coords-repeated-first", lambda G: G(torch.arange(4.0) ** 2, spacing=[torch.tensor([0.0, 0.0, 1.0, 2.0])]),
         None, r"spacing", r"distinct|repeated", r"0\.0"),
    _row("coords-all-equal", lambda G: G(torch.arange(4.0) ** 2, spacing=[torch.full((4,), 3.0)]),
         None, r"spacing", r"distinct|repeated", r"3\.0"),
    _row("coords-nan", lambda G: G(torch.arange(4.0) ** 2, spacing=[torch.tensor([0.0, 1.0, float("nan"), 3.0])]),
         None, r"spacing", r"nan", r"finite"),
]


@pytest.mark.parametrize("call, torch_exc, fragments", SILENT_ROWS)
def test_silent_or_obscure_torch_cases_give_clear_errors(call, torch_exc, fragments):
    if torch_exc is None:
        torch_returns(call)
    else:
        torch_raises(call, torch_exc)
    err = gradkit_raises(call, TorchCompatError, *fragments)
    assert isinstance(err, ValueError) and isinstance(err, RuntimeError)


def test_torch_silently_broadcasts_wrong_coordinate_lengths():
    # The reason for the errors above, checked on the real torch.
    (a,) = torch.gradient(t(), spacing=[torch.arange(4.0)], dim=0)
    assert a.shape == (4, 4)  # a (3, 4) input gave a (4, 4) output
    (b,) = torch.gradient(torch.arange(3.0) ** 2, spacing=[torch.arange(6.0)])
    assert b.shape == (6,)


def test_spacing_true_is_refused():
    # torch silently takes True as 1.
    (ref,) = torch.gradient(torch.arange(4.0) ** 2, spacing=True)
    torch.testing.assert_close(ref, torch.gradient(torch.arange(4.0) ** 2, spacing=1)[0])
    gradkit_raises(lambda G: G(torch.arange(4.0) ** 2, spacing=True), TypeError, r"spacing", r"True", r"number")


def test_complex_coordinates_are_torchs():
    # torch computes with complex coordinates (complex result); so does the drop-in, bit for bit.
    x = torch.tensor([0, 1, 2.5, 3j, 4 - 1j])
    for edge_order in (1, 2):
        for f in (torch.arange(5.0) ** 2, (torch.arange(5.0) ** 2).to(torch.complex64)):
            (expected,) = torch.gradient(f, spacing=[x], edge_order=edge_order)
            (got,) = torch_gradient(f, spacing=[x], edge_order=edge_order)
            assert got.dtype == expected.dtype
            assert torch.equal(got, expected)


def test_edge_order_none_is_refused_or_the_default():
    # torch: TypeError. gradkit may accept None only as the default, edge_order=1.
    f = torch.arange(6.0) ** 2
    torch_raises(lambda G: G(f, edge_order=None), TypeError)
    try:
        out = torch_gradient(f, edge_order=None)
    except TypeError as exc:
        assert re.search(r"edge_order", str(exc)), str(exc)
    else:
        assert_matches(out, [np.gradient(f.numpy().astype(np.float64))], rtol=1e-6, atol=1e-6)


# ---------------------------------------------------------------------------
# Silent non-errors of torch: gradkit gives the correct value
# ---------------------------------------------------------------------------
INT8_CASES = [
    pytest.param([-100, 100, 120], {}, id="int8-wrap-interior"),
    pytest.param([-100, 0, 100], {}, id="int8-wrap-edges"),
    pytest.param([-100, 100, 0], {}, id="int8-wrap-both"),
    pytest.param([-100, 100, 0], {"edge_order": 2}, id="int8-edge_order-2"),
    pytest.param([-128, 127, -128, 127], {"spacing": 0.5}, id="int8-extremes-h"),
]


@pytest.mark.parametrize("values, kw", INT8_CASES)
def test_integer_input_does_not_wrap(values, kw):
    x = torch.tensor(values, dtype=torch.int8)
    np_kw = {"edge_order": kw.get("edge_order", 1)}
    varargs = (kw["spacing"],) if "spacing" in kw else ()
    expected = np.gradient(np.array(values, dtype=np.float64), *varargs, **np_kw)
    (wrong,) = torch.gradient(x, **kw)
    assert not np.allclose(wrong.numpy(), expected)  # torch wraps around
    assert_matches(torch_gradient(x, **kw), [expected], rtol=1e-6, atol=1e-5, dtype=torch.get_default_dtype())


def test_integer_input_with_coordinates_does_not_wrap_at_the_edges():
    x = torch.tensor([-100, 100, 0, 120], dtype=torch.int8)
    c = torch.tensor([0.0, 1.0, 3.0, 4.0])
    expected = np.gradient(np.array([-100, 100, 0, 120], dtype=np.float64), c.numpy().astype(np.float64))
    (wrong,) = torch.gradient(x, spacing=[c])
    assert not np.allclose(wrong.numpy(), expected)
    assert_matches(torch_gradient(x, spacing=[c]), [expected], rtol=1e-6, atol=1e-5, dtype=torch.float32)


def test_integer_coordinates_give_torchs_float32_coefficients():
    # torch computes the coefficients of int64 coordinates in float32 (true
    # division); the drop-in reproduces that, and gradkit.gradient keeps float64.
    c = torch.tensor([10**7, 10**7 + 1, 10**7 + 3, 10**7 + 4, 10**7 + 7, 10**7 + 8])
    f = torch.sin(c.to(torch.float64) * 1e-3) * 1e3
    (torch_out,) = torch.gradient(f, spacing=[c])
    (out,) = torch_gradient(f, spacing=[c])
    assert out.dtype == torch_out.dtype == torch.float64
    assert torch.equal(out, torch_out)
    expected = np.gradient(f.numpy(), c.numpy().astype(np.float64))
    (own,) = gradkit.gradient(f, spacing=[c])
    np.testing.assert_allclose(own.numpy(), expected, rtol=1e-12, atol=0)


# ---------------------------------------------------------------------------
# What gradkit deliberately accepts beyond torch: it must be right
# ---------------------------------------------------------------------------
COORDS4 = [0.0, 1.0, 3.0, 4.0]


def _ref_per_dim(f, spacings, dims):
    """torch.gradient one dim at a time, each with a form torch accepts."""
    out = []
    for s, dm in zip(spacings, dims):
        s = [s] if isinstance(s, torch.Tensor) else s
        out.append(torch.gradient(f, spacing=s, dim=dm)[0])
    return out


def test_19_20_mixed_scalars_and_coordinates():
    c3, c4 = torch.tensor([0.0, 1.0, 3.0]), torch.tensor(COORDS4)
    torch_raises(lambda G: G(t(), spacing=[1.0, c4]), TypeError)
    torch_raises(lambda G: G(t(), spacing=[c3, 2.0]), TypeError)
    assert_matches(torch_gradient(t(), spacing=[1.0, c4]), _ref_per_dim(t(), [1.0, c4], [0, 1]), dtype=torch.float32)
    assert_matches(torch_gradient(t(), spacing=[c3, 2.0]), _ref_per_dim(t(), [c3, 2.0], [0, 1]), dtype=torch.float32)


def test_22_numpy_coordinates_follow_torchs_promotion():
    c3, c4 = np.array([0.0, 1.0, 3.0]), np.array(COORDS4)
    torch_raises(lambda G: G(t(), spacing=[c3, c4]), TypeError)
    ref = torch.gradient(t(), spacing=[torch.from_numpy(c3), torch.from_numpy(c4)])
    assert ref[0].dtype == torch.float64  # float32 input, float64 coordinates
    assert_matches(torch_gradient(t(), spacing=[c3, c4]), ref, rtol=1e-12, atol=1e-12, dtype=torch.float64)
    c4_32 = c4.astype(np.float32)
    ref32 = torch.gradient(t(), spacing=[torch.from_numpy(c4_32)], dim=1)
    assert_matches(torch_gradient(t(), spacing=[c4_32], dim=1), ref32, dtype=ref32[0].dtype)


def test_24_coordinates_as_python_lists():
    torch_raises(lambda G: G(t(), spacing=[[0.0, 1.0, 3.0], COORDS4]), TypeError)
    ref = torch.gradient(t(), spacing=[torch.tensor([0.0, 1.0, 3.0]), torch.tensor(COORDS4)])
    assert_matches(torch_gradient(t(), spacing=[[0.0, 1.0, 3.0], COORDS4]), ref)
    # Integer lists are coordinates too.
    ref_int = torch.gradient(t(), spacing=[torch.tensor([0, 1, 3, 4])], dim=1)
    assert_matches(torch_gradient(t(), spacing=[[0, 1, 3, 4]], dim=1), ref_int)


def test_21_23_bare_coordinates_for_one_dim():
    c4 = torch.tensor(COORDS4)
    torch_raises(lambda G: G(t(), spacing=c4, dim=1), TypeError)
    torch_raises(lambda G: G(t(), spacing=c4.numpy(), dim=1), TypeError)
    ref = torch.gradient(t(), spacing=[c4], dim=1)
    assert_matches(torch_gradient(t(), spacing=c4, dim=1), ref, dtype=torch.float32)
    assert_matches(torch_gradient(t(), spacing=c4.numpy(), dim=1), ref)


def test_26_bare_coordinates_of_the_wrong_length_are_a_clear_error():
    torch_raises(lambda G: G(t(), spacing=torch.tensor([2.0]), dim=1), TypeError)
    err = gradkit_raises(lambda G: G(t(), spacing=torch.tensor([2.0]), dim=1), (TypeError, ValueError), r"spacing")
    assert re.search(r"\b1\b", str(err)) and re.search(r"\b4\b", str(err)), str(err)


def test_27_spacing_none_with_a_list_dim():
    torch_raises(lambda G: G(t(), spacing=None, dim=[0, 1]), TypeError)
    ref = torch.gradient(t(), dim=[0, 1])
    assert_matches(torch_gradient(t(), spacing=None, dim=[0, 1]), ref, dtype=torch.float32)
    ref_rev = torch.gradient(t(), dim=[1, 0])
    assert_matches(torch_gradient(t(), spacing=None, dim=(1, 0)), ref_rev)


def test_30_zero_d_tensors_in_a_list_are_scalars():
    torch_raises(lambda G: G(t(), spacing=[torch.tensor(1.0), torch.tensor(2.0)]), RuntimeError)
    ref = torch.gradient(t(), spacing=[1.0, 2.0])
    assert_matches(torch_gradient(t(), spacing=[torch.tensor(1.0), torch.tensor(2.0)]), ref)
    assert_matches(torch_gradient(t(), spacing=[np.float64(1.0), np.array(2.0)]), ref)


@pytest.mark.parametrize(
    "dtype, values",
    [
        pytest.param(torch.uint8, [5, 3, 0, 200, 255], id="uint8"),
        pytest.param(torch.uint16, [5, 3, 0, 60000, 65535], id="uint16"),
        pytest.param(torch.uint32, [5, 3, 0, 4_000_000, 7], id="uint32"),
    ],
)
@pytest.mark.parametrize("edge_order", [1, 2])
def test_34_35_unsigned_input(dtype, values, edge_order):
    x = torch.tensor(values, dtype=dtype)
    torch_raises(lambda G: G(x, edge_order=edge_order), RuntimeError if dtype == torch.uint8 else NotImplementedError)
    # numpy casts unsigned data to float64 first: the uint8 [5, 3, 0] case of numpy#15207.
    expected = np.gradient(np.array(values, dtype=np.float64), edge_order=edge_order)
    assert_matches(torch_gradient(x, edge_order=edge_order), [expected], rtol=1e-6, atol=1e-6,
                   dtype=torch.get_default_dtype())


@pytest.mark.parametrize("edge_order", [3, 4, 5])
def test_7_edge_order_above_2(edge_order):
    # Edges of edge_order k use k + 1 points and are exact for polynomials of degree <= k.
    xs = np.linspace(-1.0, 2.0, 9)
    f = torch.tensor(0.3 * xs**edge_order - xs**2 + 2.0 * xs, dtype=torch.float64)
    exact = 0.3 * edge_order * xs ** (edge_order - 1) - 2 * xs + 2.0
    h = xs[1] - xs[0]
    torch_raises(lambda G: G(f, spacing=h, edge_order=edge_order), RuntimeError)
    (out,) = torch_gradient(f, spacing=h, edge_order=edge_order)
    assert out.dtype == torch.float64
    np.testing.assert_allclose(out.numpy()[[0, -1]], exact[[0, -1]], rtol=1e-11, atol=1e-11)
    # Inside, the same second-order central stencil as torch.
    (ref,) = torch.gradient(f, spacing=h)
    torch.testing.assert_close(out[1:-1], ref[1:-1], rtol=1e-12, atol=1e-12)


def test_7_edge_order_3_with_coordinates():
    x = np.array([0.0, 0.4, 1.1, 1.5, 2.6, 3.0])
    f = torch.tensor(x**3 - x, dtype=torch.float64)
    (out,) = torch_gradient(f, spacing=[torch.tensor(x)], edge_order=3)
    np.testing.assert_allclose(out.numpy()[[0, -1]], (3 * x**2 - 1)[[0, -1]], rtol=1e-11, atol=1e-11)
