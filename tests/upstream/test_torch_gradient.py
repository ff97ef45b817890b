# Upstream: PyTorch's own torch.gradient tests, CPU only.
#   * test/test_torch.py, class TestTorchDeviceType: test_gradient_all,
#     test_gradient_extreme_cases, test_gradient_type_promotion (and their
#     helpers _wrap_to_list / _inf_nan_preprocess), as stored at pytorch
#     commit e121c6ea4c91fb2e6c506175cf9d87e512211afb (the newest copy of
#     test_torch.py available to us; test/ is not shipped in the torch wheel);
#   * test/test_torch.py: test_gradient_spacing_list_length_error, added by
#     pytorch PR #115686 (fixes #114207).  Its text was not retrievable here,
#     so its cases are rebuilt from the PR (spacing lists of length 1, 2 and 3
#     for a 2-D input, as tensors and as scalars); each expected error is
#     checked against torch.gradient itself (torch 2.13.0) in the test.
#   * torch/testing/_internal/common_methods_invocations.py (torch 2.13.0):
#     sample_inputs_gradient and error_inputs_gradient of OpInfo('gradient'),
#     over the OpInfo's dtypes.
#
# Every case runs gradkit.compat.torch_gradient and torch.gradient on the same
# tensors and requires the same tuple bit for bit (values, dtype, shape,
# device: torch.testing.assert_close(rtol=0, atol=0, equal_nan=True)).
# Upstream's own comparison with numpy.gradient is kept as well, on
# gradkit's output, with upstream's tolerances.
#
# Deliberate refusals asserted instead of torch's behaviour (docs/compat.md):
#   * repeated coordinates (random integer coordinates repeat often) and a
#     zero scalar step: torch returns nan/inf, gradkit raises
#     TorchCompatError (a ValueError and a RuntimeError);
#   * complex coordinate tensors: torch accepts them, gradkit raises
#     TorchCompatTypeError (a TypeError and a RuntimeError): "coordinates
#     must be real numbers".  A complex *scalar* step is still compared.
# Error cases keep torch's own error type *and* message regex, as upstream
# asserts them; docs/compat.md says gradkit's messages are its own, so those
# cases fail on the message alone while the type (RuntimeError / IndexError)
# matches.  Random inputs are drawn from a seed fixed per test item.
"""PyTorch's gradient tests and OpInfo samples against ``compat.torch_gradient``."""

from __future__ import annotations

import warnings
import zlib

import numpy as np
import pytest

torch = pytest.importorskip("torch")
from torch.testing import make_tensor  # noqa: E402

from gradkit.compat import TorchCompatError, TorchCompatTypeError, torch_gradient  # noqa: E402

CPU = "cpu"

# TestCase.assertEqual's default (rtol, atol) per dtype; with exact_dtype=False
# the larger of the two dtypes' defaults applies.
_DEFAULT_TOL = {
    torch.float16: (1e-3, 1e-5),
    torch.bfloat16: (1.6e-2, 1e-5),
    torch.float32: (1.3e-6, 1e-5),
    torch.float64: (1e-7, 1e-7),
    torch.complex64: (1.3e-6, 1e-5),
    torch.complex128: (1e-7, 1e-7),
}


@pytest.fixture(autouse=True)
def _seed(request):
    seed = zlib.crc32(request.node.nodeid.encode())
    torch.manual_seed(seed)
    np.random.seed(seed % 2**32)


def _wrap_to_list(x):
    return x if isinstance(x, list) else [x]


def _inf_nan_preprocess(actual, expected):
    """Upstream's helper: inf, -inf and nan all become nan on both sides."""
    actual, expected = list(actual), list(expected)
    for i in range(len(expected)):
        expected[i] = np.nan_to_num(expected[i], nan=np.nan, posinf=np.nan, neginf=np.nan)
        a = actual[i].clone()
        if a.is_complex():
            a.real = torch.nan_to_num(a.real, nan=np.nan, posinf=np.nan, neginf=np.nan)
            a.imag = torch.nan_to_num(a.imag, nan=np.nan, posinf=np.nan, neginf=np.nan)
        else:
            a = torch.nan_to_num(a, nan=np.nan, posinf=np.nan, neginf=np.nan)
        actual[i] = a
    return actual, expected


def _assert_like_numpy(actual, expected, rtol=None, atol=None):
    """Upstream's ``assertEqual(actual, expected, exact_dtype=False, equal_nan=True)``."""
    expected = [torch.from_numpy(np.array(e)) for e in expected]
    assert len(actual) == len(expected)
    for a, e in zip(actual, expected):
        if rtol is None:
            r1, a1 = _DEFAULT_TOL.get(a.dtype, (0.0, 0.0))
            r2, a2 = _DEFAULT_TOL.get(e.dtype, (0.0, 0.0))
            r, t = max(r1, r2), max(a1, a2)
        else:
            r, t = rtol, atol
        torch.testing.assert_close(a, e, rtol=r, atol=t, equal_nan=True, check_dtype=False)


def assert_bitwise(got, want):
    """Same tuple as torch.gradient: length, and each tensor's values, dtype, shape, device."""
    assert isinstance(got, tuple), type(got)
    assert len(got) == len(want)
    for i, (g, w) in enumerate(zip(got, want)):
        torch.testing.assert_close(
            g, w, rtol=0, atol=0, equal_nan=True, msg=lambda m, i=i: f"output {i}: {m}"
        )


def _has_repeats(spacing):
    for s in _wrap_to_list(spacing):
        if torch.is_tensor(s) and s.ndim == 1 and len(set(s.tolist())) < s.numel():
            return True
    return False


def _has_complex_coords(spacing):
    return any(torch.is_tensor(s) and s.ndim == 1 and s.is_complex() for s in _wrap_to_list(spacing))


def _has_zero_step(spacing):
    return any(not torch.is_tensor(s) and s == 0 for s in _wrap_to_list(spacing))


def _expected_refusal(spacing):
    """The documented gradkit refusal for this spacing, or None (complex
    coordinates are torch's, bit for bit)."""
    if _has_repeats(spacing) or _has_zero_step(spacing):
        return TorchCompatError
    return None


def _numpy_spacing(spacing):
    return [s.detach().cpu().numpy() if torch.is_tensor(s) else s for s in _wrap_to_list(spacing)]


# ---------------------------------------------------------------------------
# test_gradient_all
# ---------------------------------------------------------------------------
GRADIENT_ALL_CASES = (
    ((5,), (0,)),
    ((4, 4), (0, 1)),
    ((3, 3, 3), (-1, 0)),
    ((4, 4, 4), (2,)),
    ((4, 4, 4), (0, 1)),
    ((4, 4, 4, 3), (0, 2, 3)),
    ((4, 5, 3, 4, 3), (1, 2)),
    ((4, 3, 6, 5, 3), (2, 4)),
    ((4, 3, 3, 5, 3), (0, 1, 2, 3, 4)),
    ((1, 3, 3), (1, 2)),
    ((1, 5), (1,)),
)
ALL_DTYPES = (torch.long, torch.float32, torch.complex64)


def _dtype_id(d):
    return str(d).replace("torch.", "")


def _create_spacing(kind, filtered_shape, dtype):
    if kind == "scalar":
        return make_tensor((1,), device=CPU, dtype=dtype, low=1.0).item()
    if kind == "list":
        return make_tensor((len(filtered_shape),), device=CPU, dtype=dtype, low=1.0).tolist()
    return [make_tensor((n,), device=CPU, dtype=dtype) for n in filtered_shape]


@pytest.mark.parametrize("space_fn", ["scalar", "list", "coords"])
@pytest.mark.parametrize("edge_order", [1, 2])
@pytest.mark.parametrize("contig", [True, False], ids=["contig", "noncontig"])
@pytest.mark.parametrize(
    "shape, dims", GRADIENT_ALL_CASES, ids=[f"{s}-{d}".replace(" ", "") for s, d in GRADIENT_ALL_CASES]
)
@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=_dtype_id)
def test_gradient_all(dtype, shape, dims, contig, edge_order, space_fn):
    filtered_shape = [shape[d] for d in dims]
    spacing = _create_spacing(space_fn, filtered_shape, dtype)
    t = make_tensor(shape, device=CPU, dtype=dtype, noncontiguous=not contig)

    refusal = _expected_refusal(spacing)
    if refusal is not None:
        # gradkit addition: torch returns nan/inf (repeated coordinates);
        # gradkit refuses (docs/compat.md).
        with pytest.raises(refusal):
            torch_gradient(t, spacing=spacing, dim=dims, edge_order=edge_order)
        return

    got = torch_gradient(t, spacing=spacing, dim=dims, edge_order=edge_order)

    # upstream's assertion, on gradkit's output
    with np.errstate(all="ignore"):
        expected = np.gradient(t.numpy(), *_numpy_spacing(spacing), axis=dims, edge_order=edge_order)
    actual, expected = _inf_nan_preprocess(got, _wrap_to_list(expected) if len(dims) == 1 else expected)
    _assert_like_numpy(actual, expected, rtol=0, atol=1e-4)

    # and bit for bit against torch.gradient itself
    assert_bitwise(got, torch.gradient(t, spacing=spacing, dim=dims, edge_order=edge_order))


# ---------------------------------------------------------------------------
# test_gradient_extreme_cases
# ---------------------------------------------------------------------------
_INF = float("inf")
_NAN = float("nan")
EXTREME = [2, -2, _INF, _INF, -_INF, -_INF, _INF, 3, -_INF, 2, _NAN, _NAN, 3, _INF, _NAN]


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=_dtype_id)
def test_gradient_extreme_cases(dtype):
    # inf and nan values
    x = torch.tensor(EXTREME)
    got = torch_gradient(x)
    with np.errstate(all="ignore"):
        expected = np.gradient(np.array(EXTREME))
    _assert_like_numpy(list(got), _wrap_to_list(expected))
    assert_bitwise(got, torch.gradient(x))

    # a very large tensor on random (unsorted) coordinates
    large_size = 100000
    t = make_tensor((large_size,), dtype=dtype, device=CPU)
    coordinates_np = list(np.random.randn(large_size))
    coordinates = [torch.tensor(coordinates_np, device=CPU)]
    for edge_order in (1, 2):
        got = torch_gradient(t, spacing=coordinates, dim=0, edge_order=edge_order)
        expected = [np.gradient(t.numpy(), coordinates_np, axis=0, edge_order=edge_order)]
        _assert_like_numpy(list(got), expected)
        assert_bitwise(got, torch.gradient(t, spacing=coordinates, dim=0, edge_order=edge_order))


# ---------------------------------------------------------------------------
# test_gradient_type_promotion
# ---------------------------------------------------------------------------
PROMOTION_INPUTS = (torch.float32, torch.complex64, torch.int64)
PROMOTION_SPACINGS = (
    "float32-item", "int64-item", "complex64-item",
    "float32-list", "int64-list", "complex64-list",
    "float32-coords", "int64-coords", "complex64-coords",
)


def _promotion_spacing(kind):
    name, form = kind.split("-")
    dtype = getattr(torch, name)
    if form == "item":
        return make_tensor((1,), device=CPU, dtype=dtype).item()
    if form == "list":
        low = {"float32": 0.1, "int64": 1, "complex64": None}[name]
        return make_tensor((2,), device=CPU, dtype=dtype, low=low).tolist()
    return [make_tensor((4,), device=CPU, dtype=dtype), make_tensor((4,), device=CPU, dtype=dtype)]


@pytest.mark.parametrize("edge_order", [1, 2])
@pytest.mark.parametrize("spacing_kind", PROMOTION_SPACINGS)
@pytest.mark.parametrize("input_dtype", PROMOTION_INPUTS, ids=_dtype_id)
def test_gradient_type_promotion(input_dtype, spacing_kind, edge_order):
    inp = make_tensor((4, 4), device=CPU, dtype=input_dtype)
    spacing = _promotion_spacing(spacing_kind)

    refusal = _expected_refusal(spacing)
    if refusal is not None:
        # gradkit addition: a zero step or repeated integer coordinates give
        # torch nan/inf; gradkit refuses them (docs/compat.md).
        with pytest.raises(refusal):
            torch_gradient(inp, spacing=spacing, dim=(0, 1), edge_order=edge_order)
        return

    got = torch_gradient(inp, spacing=spacing, dim=(0, 1), edge_order=edge_order)

    # upstream's assertion, on gradkit's output
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
        expected = np.gradient(inp.numpy(), *_numpy_spacing(spacing), axis=(0, 1), edge_order=edge_order)
    if got[0].dtype == torch.complex64 and inp.dtype != torch.complex64:
        # numpy drops the imaginary part of a complex step with real data
        for i in range(len(got)):
            _assert_like_numpy([got[i].real], [expected[i].real])
            _assert_like_numpy([torch.zeros(got[i].shape)], [np.imag(expected[i])])
    else:
        actual, expected = _inf_nan_preprocess(got, expected)
        _assert_like_numpy(actual, expected)

    assert_bitwise(got, torch.gradient(inp, spacing=spacing, dim=(0, 1), edge_order=edge_order))


# ---------------------------------------------------------------------------
# test_gradient_spacing_list_length_error (pytorch PR #115686, rebuilt)
# ---------------------------------------------------------------------------
def test_gradient_spacing_list_length_error():
    t = make_tensor((2, 2), device=CPU, dtype=torch.float32)
    one = lambda: make_tensor((2,), device=CPU, dtype=torch.float32)  # noqa: E731
    cases = [
        ((one(),), False),
        ((one(), one()), True),
        ((one(), one(), one()), False),
        ((2,), False),
        ((2, 2), True),
        ((2, 2, 2), False),
    ]
    for spacing, ok in cases:
        if ok:
            assert_bitwise(torch_gradient(t, spacing=spacing), torch.gradient(t, spacing=spacing))
        else:
            with pytest.raises(RuntimeError, match=r"expected spacing to be"):
                torch.gradient(t, spacing=spacing)  # the upstream assertion, on torch
            with pytest.raises(RuntimeError, match=r"expected spacing to be"):
                torch_gradient(t, spacing=spacing)


# ---------------------------------------------------------------------------
# OpInfo('gradient'): sample_inputs_gradient over the OpInfo's dtypes
# ---------------------------------------------------------------------------
S = 5
OPINFO_DTYPES = (
    torch.float32, torch.float64, torch.complex64, torch.complex128,
    torch.int8, torch.int16, torch.int32, torch.int64,
    torch.bfloat16, torch.float16,
)
SAMPLE_FLOAT_CASES = (
    ((S,), None, None, 1),
    ((S,), 2.0, None, 1),
    ((S, S), None, None, 2),
    ((S, S), [2.0, 2.1], None, 1),
    ((S, S), [2.0, 2.1], (0, 1), 1),
    ((4, 4, 4), [2.0, 1.0], (0, 1), 2),
)
SAMPLE_TENSOR_CASES = (
    ((3, 3, 3), ((1.1, 2.0, 3.5), (4.0, 2, 6.0)), (0, -1), 1),
    ((3, 3, 3), ((1.0, 3.0, 2.0), (8.0, 6.0, 1.0)), (0, 1), 2),
)
SAMPLES = [("scalars", c) for c in SAMPLE_FLOAT_CASES] + [("tensors", c) for c in SAMPLE_TENSOR_CASES]


@pytest.mark.parametrize("sample", range(len(SAMPLES)), ids=[f"sample{i}" for i in range(len(SAMPLES))])
@pytest.mark.parametrize("dtype", OPINFO_DTYPES, ids=_dtype_id)
def test_opinfo_sample_inputs_gradient(dtype, sample):
    kind, (size, spacing, dim, edge_order) = SAMPLES[sample]
    t = make_tensor(size, device=CPU, dtype=dtype, low=None, high=None)
    if kind == "tensors":
        spacing = [torch.tensor(c, device=CPU, dtype=dtype) for c in spacing]
    kwargs = dict(dim=dim, spacing=spacing, edge_order=edge_order)
    assert_bitwise(torch_gradient(t, **kwargs), torch.gradient(t, **kwargs))


# ---------------------------------------------------------------------------
# OpInfo('gradient'): error_inputs_gradient (torch's error type and regex)
# ---------------------------------------------------------------------------
def _error_inputs(dtype):
    t = torch.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]], device=CPU, dtype=dtype)
    yield ("spacing-len", t, dict(spacing=[0.1], dim=(1, 0), edge_order=1), RuntimeError,
           "torch.gradient expected spacing to be unspecified, a scalar ")
    yield ("edge_order-3", t, dict(edge_order=3), RuntimeError,
           "torch.gradient only supports edge_order=1 and edge_order=2.")
    yield ("repeated-dim", t, dict(spacing=0.1, dim=(1, 1), edge_order=1), RuntimeError,
           "dim 1 appears multiple times in the list of dims")
    coords = [torch.tensor([1, 2, 4], device=CPU), torch.tensor([1, 2, 4], device="meta")]
    yield ("device", t, dict(spacing=coords, dim=(0, 1), edge_order=1), RuntimeError,
           "torch.gradient expected each tensor to be on the same device,")
    yield ("dim-3", t, dict(dim=3), IndexError, None)
    yield ("short-1", torch.tensor([[1], [2], [3]]), dict(edge_order=1), RuntimeError,
           "torch.gradient expected each dimension size to be at least")
    yield ("short-2", torch.tensor([[1, 2], [3, 4]]), dict(edge_order=2), RuntimeError,
           "torch.gradient expected each dimension size to be at least")


ERROR_CASES = [name for name, *_ in _error_inputs(torch.float32)]


@pytest.mark.parametrize("case", ERROR_CASES)
def test_opinfo_error_inputs_gradient(case):
    for dtype in (torch.long, torch.float32, torch.complex64):
        [(_, t, kwargs, error_type, regex)] = [e for e in _error_inputs(dtype) if e[0] == case]
        with pytest.raises(error_type, match=regex):
            torch.gradient(t, **kwargs)  # upstream's expectation holds for torch
        with pytest.raises(error_type, match=regex):
            torch_gradient(t, **kwargs)

