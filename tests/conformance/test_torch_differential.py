"""Differential tests: ``gradkit.gradient`` and ``gradkit.compat.torch_gradient``
against ``torch.gradient`` on random shapes, dims, spacings, edge orders and dtypes.

Each case is compared twice (see ``conftest``): with ``torch.gradient`` called
with exactly the same arguments (values, tuple structure, and for the drop-in
the output dtype), and with ``torch.gradient`` run on the same numbers
promoted to 64 bits, at the rtol of gradkit's own output dtype.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import event, given
from hypothesis import strategies as st

import gradkit
from gradkit.compat import torch_gradient

from .conftest import (
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
    torch_view,
)

#: name -> (numpy dtype of the data we generate, torch dtype of the input)
DTYPES = {
    "float64": (np.float64, torch.float64),
    "float32": (np.float32, torch.float32),
    "complex128": (np.complex128, torch.complex128),
    "int64": (np.int64, torch.int64),
    "int32": (np.int32, torch.int32),
    "int16": (np.int16, torch.int16),
}
FORMS = ("default", "scalar", "scalars", "coords", "mixed")
COORD_FLOATS = (np.float64, np.float32)
COORD_INTS = (np.int64, np.int32)
TORCH_LAYOUTS = ("contiguous", "fortran", "strided", "reversed")


@dataclass
class Case:
    layout: Layout
    dtype: str
    form: str
    grids: list[Grid]  # one per differentiated axis, in the order of dim
    container: Any  # list or tuple, for the per-dim forms
    scalar_as_tensor: bool  # form "scalar": a 0-d float64 tensor instead of a number
    seed: int
    memory: str
    use_axis_alias: bool
    device: str = "cpu"

    def spacing(self) -> Any:
        """The spacing argument as passed (tensors on the case's device)."""
        if self.form == "scalar":
            h = self.grids[0].value
            return torch.tensor(float(h), dtype=torch.float64) if self.scalar_as_tensor else h
        return self.container(_as_spacing_entry(g, self.device) for g in self.grids)

    def kwargs(self, *, alias_ok: bool) -> dict[str, Any]:
        kw: dict[str, Any] = {"edge_order": self.layout.edge_order}
        if self.form != "default":
            kw["spacing"] = self.spacing()
        if self.layout.dim_arg is not None:
            kw["axis" if (alias_ok and self.use_axis_alias) else "dim"] = self.layout.dim_arg
        return kw


def _as_spacing_entry(g: Grid, device: str = "cpu") -> Any:
    return torch.from_numpy(g.value.copy()).to(device) if g.coords else g.value


@st.composite
def cases(draw: Any, *, forms: tuple[str, ...] = FORMS) -> Case:
    lay = draw(layouts())
    dtype = draw(st.sampled_from(list(DTYPES)))
    form = draw(st.sampled_from(forms))
    ns = [lay.shape[a] for a in lay.axes]
    kw = dict(float_dtypes=COORD_FLOATS, int_dtypes=COORD_INTS)
    if form == "default":
        gs = [Grid(n, 1, False, "int") for n in ns]
    elif form == "scalar":
        h = draw(grids(2, coords=False)).value
        gs = [Grid(n, h, False, "scalar") for n in ns]
    else:
        scalar = form in ("scalars", "mixed")
        coords = form in ("coords", "mixed")
        gs = [draw(grids(n, scalar=scalar, coords=coords, **kw)) for n in ns]
    event(f"form={form}")
    event(f"dtype={dtype}")
    for g in gs:
        if g.coords:
            event(f"coords={g.kind}/{g.value.dtype}")
    return Case(
        layout=lay,
        dtype=dtype,
        form=form,
        grids=gs,
        container=draw(st.sampled_from([list, tuple])),
        scalar_as_tensor=draw(st.booleans()),
        seed=draw(st.integers(0, 2**32 - 1)),
        memory=draw(st.sampled_from(TORCH_LAYOUTS)),
        use_axis_alias=draw(st.booleans()),
    )


def _input(case: Case) -> tuple[np.ndarray, torch.Tensor]:
    np_dtype, _ = DTYPES[case.dtype]
    limit = 1000 if case.dtype == "int16" else 100_000  # no int16 overflow inside torch
    data = make_data(case.seed, case.layout.shape, np_dtype, int_limit=limit)
    return data, torch_view(data, case.memory).to(case.device)


def _data_precision(t: torch.Tensor) -> torch.dtype:
    """The precision torch itself computes in for this input."""
    if t.dtype.is_floating_point or t.dtype.is_complex:
        return t.dtype
    return torch.get_default_dtype()


def _native(case: Case, t: torch.Tensor) -> tuple[torch.Tensor, ...]:
    """torch.gradient with the case's own arguments (per dim for mixed spacings,
    which torch does not accept)."""
    if case.form != "mixed":
        return torch.gradient(t, **case.kwargs(alias_ok=False))
    return tuple(
        torch.gradient(
            t, spacing=[_as_spacing_entry(g, case.device)], dim=a, edge_order=case.layout.edge_order
        )[0]
        for g, a in zip(case.grids, case.layout.axes)
    )


def _precise(case: Case, data: np.ndarray) -> list[torch.Tensor]:
    """torch.gradient on the same numbers in float64/complex128, one dim at a time."""
    wide = data.astype(np.complex128 if data.dtype.kind == "c" else np.float64)
    t64 = torch.from_numpy(wide)
    out = []
    for g, a in zip(case.grids, case.layout.axes):
        entry = torch.from_numpy(g.x64()) if g.coords else float(g.value)
        out.append(torch.gradient(t64, spacing=[entry], dim=a, edge_order=case.layout.edge_order)[0])
    return out


def _check(case: Case, got: Any, t: torch.Tensor, data: np.ndarray, *, expect_dtype, exact: bool = False) -> None:
    """``exact``: the drop-in, torch's own values bit for bit; otherwise
    gradkit.gradient, close to torch and to torch in 64 bits."""
    expected = _native(case, t)
    precise = _precise(case, data)
    axes = case.layout.axes
    assert isinstance(got, tuple), type(got)
    assert len(got) == len(expected) == len(axes)
    f_max = max_abs(data)
    for k, (g, e, p, grid, a) in enumerate(zip(got, expected, precise, case.grids, axes)):
        what = f"output {k} (d/d dim {a})"
        assert isinstance(g, torch.Tensor), f"{what}: {type(g)}"
        assert g.device == t.device
        assert tuple(g.shape) == tuple(t.shape), what
        assert g.dtype == expect_dtype(e), f"{what}: dtype {g.dtype}, expected {expect_dtype(e)}"
        if exact:
            assert torch.equal(g, e), f"{what}: {g} is not torch's {e} bit for bit"
            continue
        bound = grid.bound(case.layout.edge_order)
        # torch computes coefficients of integer and float32 coordinates in float32
        grid_prec = torch.float32 if grid.coords and grid.value.dtype != np.float64 else torch.float64
        rtol = rtol_for(g.dtype, e.dtype, _data_precision(t), grid_prec)
        assert_close(g, e, rtol=rtol, atol=atol_for(rtol, f_max, bound), what=what + " vs torch")
        rtol = rtol_for(g.dtype)
        assert_close(g, p, rtol=rtol, atol=atol_for(rtol, f_max, bound), what=what + " vs torch float64")


def _gradkit_dtype(t: torch.Tensor):
    """gradkit.gradient's rule: floating/complex keep their dtype, integers -> default float."""
    keep = t.dtype.is_floating_point or t.dtype.is_complex
    return lambda _expected: t.dtype if keep else torch.get_default_dtype()


@conformance_settings(600)
@given(cases())
def test_gradkit_gradient_matches_torch(case: Case) -> None:
    data, t = _input(case)
    got = gradkit.gradient(t, **case.kwargs(alias_ok=True))
    _check(case, got, t, data, expect_dtype=_gradkit_dtype(t))


@conformance_settings(600)
@given(cases())
def test_torch_gradient_drop_in_matches_torch(case: Case) -> None:
    data, t = _input(case)
    got = torch_gradient(t, **case.kwargs(alias_ok=False))
    # Same dtype as torch.gradient, promotion included (e.g. float32 input with
    # float64 coordinates -> float64; integer input -> the default float).
    _check(case, got, t, data, expect_dtype=lambda e: e.dtype, exact=True)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
@conformance_settings(100)
@given(cases())
def test_drop_ins_on_cuda_match_torch_on_cuda(case: Case) -> None:
    """The same comparisons with the input and coordinates on a GPU: outputs
    stay on that device."""
    case = dataclasses.replace(case, device="cuda")
    data, t = _input(case)
    _check(case, gradkit.gradient(t, **case.kwargs(alias_ok=True)), t, data, expect_dtype=_gradkit_dtype(t))
    _check(case, torch_gradient(t, **case.kwargs(alias_ok=False)), t, data, expect_dtype=lambda e: e.dtype, exact=True)


@pytest.mark.parametrize("dim", [[], ()])
@pytest.mark.parametrize("func", [gradkit.gradient, torch_gradient], ids=["gradient", "torch_gradient"])
def test_empty_dim_list_gives_empty_tuple(func, dim) -> None:
    t = torch.arange(12.0).reshape(3, 4)
    assert torch.gradient(t, dim=dim) == ()
    assert func(t, dim=dim) == ()


@pytest.mark.parametrize("func", [gradkit.gradient, torch_gradient], ids=["gradient", "torch_gradient"])
def test_zero_dim_input_gives_empty_tuple(func) -> None:
    t = torch.tensor(3.0)
    assert torch.gradient(t) == ()
    assert func(t) == ()


@pytest.mark.parametrize(
    "data_dtype, coord_dtype",
    [
        (torch.float32, torch.float64),
        (torch.float64, torch.float32),
        (torch.float32, torch.int64),
        (torch.int32, torch.float64),
        (torch.int64, torch.int64),
        (torch.complex128, torch.float32),
        (torch.int16, torch.float32),
    ],
)
def test_drop_in_dtype_promotion_table(data_dtype, coord_dtype) -> None:
    """A fixed table on top of the random cases, so each promotion is always hit."""
    t = torch.tensor([[1, 4, 9, 16], [2, 3, 5, 7], [0, -1, 5, 2]]).to(data_dtype)
    x = torch.tensor([0, 1, 3, 4]).to(coord_dtype)
    (expected,) = torch.gradient(t, spacing=(x,), dim=1)
    (got,) = torch_gradient(t, spacing=(x,), dim=1)
    assert got.dtype == expected.dtype
    rtol = rtol_for(got.dtype, torch.float32)  # torch's own coefficients are float32 here
    assert_close(got, expected, rtol=rtol, atol=atol_for(rtol, 16.0, 2.0))
    (own,) = gradkit.gradient(t, spacing=(x,), dim=1)
    assert own.dtype == (data_dtype if data_dtype.is_floating_point or data_dtype.is_complex else torch.float32)
