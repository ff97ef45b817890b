"""Fuzz of ``gradkit.gradient``.

* ``test_gradient_fuzz``: any input (all libraries, dtypes, layouts, spacing
  forms, junk settings); a result must equal the exact-rational reference
  (:func:`tests.fuzz.oracles.reference`) to rounding, or the call must raise an
  allowed exception with gradkit's message.
* ``test_gradient_vs_numpy``: the cases gradient shares with numpy.gradient
  (accuracy 2, edge_order 1 or 2, one-sided, NumPy float64 data): closeness
  to numpy.gradient (rtol 1e-12 with the absolute floor).
* ``test_gradient_polynomial_exact``: any accuracy, edge order and grid, on
  polynomials of degree ``min(accuracy, edge_order)``: the first derivative
  is exact to rounding at every point.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import gradkit

from . import harness, oracles
from . import strategies as S
from .cases import gradient_case, polynomial_case


@S.fuzz_settings(2.0)
@given(case=gradient_case())
def test_gradient_fuzz(case):
    harness.check_native_call("gradient", case)


@S.fuzz_settings(1.0)
@given(case=gradient_case(numpy_shared=True))
def test_gradient_vs_numpy(case):
    harness.check_gradient_vs_numpy(case)


@S.fuzz_settings(1.0)
@given(case=polynomial_case("gradient"))
def test_gradient_polynomial_exact(case):
    harness.check_polynomial(case)
