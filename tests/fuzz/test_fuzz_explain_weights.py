"""Fuzz of ``gradkit.explain`` and ``gradkit.weights``.

* ``test_explain_fuzz``: the stencil explain reports is the documented one
  (offsets whose weight is exactly zero may be left out), its indices and
  weights are right (exact-rational Fornberg), its ``result`` is bit-identical
  to ``gradkit.derivative`` at that point and equals the exact reference to
  rounding, and every rendering (text, markdown, LaTeX, JSON, sometimes a
  plot) works.
* ``test_weights_fuzz``: any points (lists, tuples, arrays of every dtype,
  NaN/inf/repeated/2-D/empty), orders and evaluation points; weights equal
  the exact-rational Fornberg weights to rounding (relative to the sum of
  their magnitudes, times the conditioning max|x - at| / min gap).
"""

from __future__ import annotations

from hypothesis import given

from . import harness
from . import strategies as S
from .cases import explain_case, weights_case


@S.fuzz_settings(1.5)
@given(case=explain_case())
def test_explain_fuzz(case):
    harness.check_explain(case)


@S.fuzz_settings(1.5)
@given(case=weights_case())
def test_weights_fuzz(case):
    harness.check_weights(case)
