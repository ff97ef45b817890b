"""Fuzz of the drop-ins ``gradkit.compat.numpy_gradient`` and ``torch_gradient``.

``*_close``: any input. Where the original (numpy.gradient / torch.gradient)
returns a valid answer (no exception, no warning, finite where the data are
finite, and arguments the documented grammar accepts), the drop-in returns
the same type and dtype and values within rtol (1e-12 float64, 1e-5 float32)
plus the absolute floor ``rtol * max|f| * sum|w|``; where docs/compat.md
lists a value difference (datetime rounding, float16 in float32, integer
data converted first in torch, ...), the values must equal the exact-rational
reference instead. Where the original is invalid, the drop-in either matches
it exactly or raises an allowed error, or (for inputs the documented grammar
accepts, e.g. edge_order=3, uint8 tensors) returns the reference's values.

``*_exact``: the plain cases (no documented difference applies, the original
is valid): bit-identity with the original (np.testing.assert_array_equal).
A mismatch is reported as "exact-only" (within the closeness tolerance) or
"wrong". These document the bit-identity goal and may fail while it is work
in progress; they are deliberately not xfailed.
"""

from __future__ import annotations

from hypothesis import given

from . import harness
from . import strategies as S
from .cases import numpy_dropin_case, torch_dropin_case


@S.fuzz_settings(2.0)
@given(case=numpy_dropin_case())
def test_numpy_dropin_close(case):
    harness.check_dropin(case)


@S.fuzz_settings(1.0)
@given(case=numpy_dropin_case(exact=True))
def test_numpy_dropin_exact(case):
    harness.check_dropin(case, exact=True)


@S.fuzz_settings(2.0)
@given(case=torch_dropin_case())
def test_torch_dropin_close(case):
    harness.check_dropin(case)


@S.fuzz_settings(1.0)
@given(case=torch_dropin_case(exact=True))
def test_torch_dropin_exact(case):
    harness.check_dropin(case, exact=True)
