"""The explanation of one output: :class:`Explanation` (its public fields)
and ``_Detail`` (what the renderings need beyond them). The renderings are
in :mod:`._render` and :mod:`._plot`; :func:`gradkit.explain` builds it."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from . import _plot, _render
from ._format import _is_complex, _SymWeight

# ---------------------------------------------------------------------------
# The explanation object
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class _Detail:
    """What the renderings need beyond the public fields."""

    position: int  # the point's index along the axis
    n: int
    boundary: str
    periodic_wrap: bool
    step: Any  # uniform step, or None
    unit_weights: np.ndarray
    divisor: Any
    rationals: list[Fraction] | None  # uniform grids: exact unit weights
    closed: list[_SymWeight] | None  # non-uniform 2-/3-point stencils
    x_labels: tuple[str, ...]  # "x[3]", or "(x[0] + P)" across a periodic end
    period: Any
    value_at_point: Any  # f[i] (the tangent passes through it)
    coordinate_at_point: Any
    interp_offsets: tuple[int, ...]  # offsets whose polynomial the plot draws
    interp_coordinates: np.ndarray
    interp_values: np.ndarray
    context_coordinates: np.ndarray  # nearby samples for the plot
    context_values: np.ndarray
    nd_prefix: str  # "" for 1-D, else e.g. " along axis 1 at (2, :, 4)"
    func_name: str  # "gradient" or "derivative"
    approximate_sum_note: bool  # the kernel computed in lower precision
    step_lines: tuple[str, ...]  # "hl = x[1] - x[0] = -1 - (-2) = 1"
    masked_labels: tuple[str, ...] = ()  # "f[2]": the masked samples the stencil uses
    context_masked: np.ndarray | None = None  # which context samples are masked
    point_masked: bool = False  # f[i] itself is masked


@dataclass(frozen=True, eq=False)
class Explanation:
    """How one output value of :func:`gradkit.gradient` / :func:`gradkit.derivative` is computed.

    Made by :func:`explain`; see there for the arguments. The value is
    ``result = sum(weights * values)``: a weighted sum of the samples
    ``values`` at ``indices`` (``offsets`` relative to the point), with
    ``weights`` that depend only on the positions of those samples.

    Attributes
    ----------
    index : int or tuple of int
        The point (non-negative), an int for 1-D input, a tuple otherwise.
    axis : int
        The axis along which the derivative is taken.
    order : int
        Derivative order.
    offsets : tuple of int
        Sample offsets relative to the point along ``axis``, e.g. ``(-1, 0, 1)``.
    indices : tuple of int
        The samples' indices along ``axis`` (wrapped on a periodic axis).
    coordinates : numpy.ndarray
        The samples' coordinates: the given coordinates, or ``index * step``
        on a uniform grid (unwrapped by one period across a periodic end).
    steps : dict
        The step sizes involved: ``{"h": step}`` on a uniform grid, else
        ``hl = x[i] - x[i-1]``, ``hr = x[i+1] - x[i]``, ``hl2``, ``hr2``, ...
    weights : numpy.ndarray
        The weights in coordinate units (the step division included).
    values : numpy.ndarray
        The samples used, in the precision the kernel computed in.
    terms : numpy.ndarray
        ``weights * values``.
    result : scalar
        The computation's own output at ``index`` (Python float/complex, or
        a NumPy scalar for extended precision).
    scheme : str
        E.g. ``"central, 2nd-order accurate, non-uniform grid"``.
    formula : str
        The formula, in terms of the steps where a closed form exists.
    formula_latex : str
        The same in LaTeX.
    weight_formulas : tuple of str
        Each weight in terms of the steps (or numerically).
    kind : str
        The stencil kind: "central", "forward", "backward", "off-centre",
        "periodic", or "identity" for order 0.
    accuracy : int
        The order of accuracy of this stencil.
    uniform : bool
        Whether the axis is a uniform grid.
    dtype : str
        The dtype of the result.
    masked : bool
        For a masked array ``f``: whether the stencil uses a masked sample.
        Then, as in NumPy's arithmetic on masked arrays, the output is masked:
        ``result`` is ``numpy.ma.masked``, and ``values`` and ``terms`` are
        masked arrays. Points whose stencils avoid the masked samples are
        explained (and computed) as usual.
    masked_indices : tuple of int
        The indices (along ``axis``) of the masked samples the stencil uses.
    """

    index: int | tuple[int, ...]
    axis: int
    order: int
    offsets: tuple[int, ...]
    indices: tuple[int, ...]
    coordinates: np.ndarray
    steps: dict[str, Any]
    weights: np.ndarray
    values: np.ndarray
    terms: np.ndarray
    result: Any
    scheme: str
    formula: str
    formula_latex: str
    weight_formulas: tuple[str, ...]
    kind: str
    accuracy: int
    uniform: bool
    dtype: str
    _detail: _Detail = field(repr=False)
    masked: bool = False
    masked_indices: tuple[int, ...] = ()

    def __repr__(self) -> str:
        return (
            f"Explanation(index={self.index!r}, axis={self.axis}, order={self.order}, "
            f"scheme={self.scheme!r}, offsets={self.offsets!r}, result={self.result!r}"
            + (f", masked_indices={self.masked_indices!r})" if self.masked else ")")
        )

    def __str__(self) -> str:
        return _render.text(self)

    def to_markdown(self) -> str:
        """The explanation as Markdown (a table of samples, the formula in LaTeX).

        Returns
        -------
        str

        Examples
        --------
        >>> import gradkit
        >>> md = gradkit.explain([4, 1, 1, 16], 1, spacing=[-2, -1, 1, 4]).to_markdown()
        >>> md.splitlines()[0]
        "**f'(x[1]) ≈ -2** — central, 2nd-order accurate, non-uniform grid"
        """
        return _render.markdown(self)

    def _repr_markdown_(self) -> str:
        return _render.markdown(self)

    def to_latex(self) -> str:
        """The derivation as a LaTeX ``aligned`` block (use inside ``$$ ... $$``).

        Returns
        -------
        str

        Examples
        --------
        >>> import gradkit
        >>> tex = gradkit.explain([4, 1, 1, 16], 1, spacing=[-2, -1, 1, 4]).to_latex()
        >>> tex.startswith("\\\\begin{aligned}") and "h_l" in tex
        True
        """
        return _render.latex(self)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict of every field.

        Complex numbers become ``[re, im]``; NaN and infinities become the
        strings ``"NaN"``, ``"Infinity"``, ``"-Infinity"``.

        Returns
        -------
        dict

        Examples
        --------
        >>> import json, gradkit
        >>> e = gradkit.explain([4, 1, 1, 16], 3, spacing=[-2, -1, 1, 4])
        >>> json.dumps({k: e.to_dict()[k] for k in ("offsets", "weights", "result")})
        '{"offsets": [-1, 0], "weights": [-0.3333333333333333, 0.3333333333333333], "result": 5.0}'
        """
        return _render.as_dict(self)

    def plot(self, ax: Any = None) -> Any:
        """Draw the samples, the interpolating polynomial and (order 1) its tangent.

        Needs matplotlib (``pip install gradkit[plot]``), imported only here.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Where to draw; a new figure is made when omitted.

        Returns
        -------
        matplotlib.axes.Axes

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import gradkit
        >>> ax = gradkit.explain([4, 1, 1, 16], 1, spacing=[-2, -1, 1, 4]).plot()
        >>> ax.get_title().startswith("f'(x[1]) ≈ -2")
        True
        """
        d = self._detail
        if (
            np.iscomplexobj(self.values)
            or np.iscomplexobj(self.coordinates)
            or _is_complex(self.result)
        ):
            raise ValueError("explain.plot: complex samples or spacing cannot be drawn on a real plane")
        try:
            import matplotlib.pyplot as plt
        except ImportError:  # pragma: no cover - depends on the environment
            raise ImportError(
                "Explanation.plot needs matplotlib: pip install 'gradkit[plot]'"
            ) from None
        if ax is None:
            _, ax = plt.subplots(figsize=(7.5, 4.8), layout="constrained")
        # Samples near the ends of the float range overflow in the drawing's
        # own arithmetic (curve, tangent, margins): what cannot be drawn is
        # left out, without a warning.
        with np.errstate(all="ignore"):
            return _plot.draw(self, ax)
