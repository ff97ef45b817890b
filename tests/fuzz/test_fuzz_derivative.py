"""Fuzz of ``gradkit.derivative``.

* ``test_derivative_fuzz``: any input, any order (0 included), mixed partials,
  junk settings; a result must equal the exact-rational reference to rounding
  (a mixed partial: the exact composition of the one-axis derivatives).
* ``test_derivative_polynomial_exact``: orders 0-3 on polynomials of degree
  ``order + min(accuracy, edge_order) - 1``: exact to rounding at every point.
"""

from __future__ import annotations

from hypothesis import given

from . import harness
from . import strategies as S
from .cases import derivative_case, polynomial_case


@S.fuzz_settings(2.0)
@given(case=derivative_case())
def test_derivative_fuzz(case):
    harness.check_native_call("derivative", case)


@S.fuzz_settings(1.0)
@given(case=polynomial_case("derivative"))
def test_derivative_polynomial_exact(case):
    harness.check_polynomial(case)
