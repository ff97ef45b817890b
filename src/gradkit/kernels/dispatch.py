"""The one place that chooses a kernel for an array."""

from __future__ import annotations

from typing import Any

import array_api_compat

from ..stencils import AxisPlan
from . import generic

__all__ = ["apply"]


def apply(xp: Any, f: Any, plan: AxisPlan, axis: int, real_dtype: Any) -> Any:
    """Apply ``plan`` along ``axis`` of ``f`` with the best kernel for its type."""
    return generic.apply_plan(xp, f, plan, axis, real_dtype, array_api_compat.device(f))
