"""Explain one output of a vector-calculus operator: its component derivatives
(each an :class:`~gradkit.explain.Explanation` of the same plans) and the
combined stencil, the weight of every sample the operator reads.

A 5-point Laplacian, for example, is two three-point second derivatives
whose centre weights add up: the combined stencil shows its five weights.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from . import _args
from .explain._format import _fmt
from .explain import Explanation, explain
from .operators import _components

__all__ = ["explain_operator", "OperatorExplanation"]

_OPERATORS = ("laplacian", "divergence", "curl")


@dataclass(frozen=True)
class OperatorExplanation:
    """How one output of :func:`gradkit.laplacian`, :func:`gradkit.divergence`
    or :func:`gradkit.curl` is computed. Made by :func:`explain_operator`.

    Attributes
    ----------
    operator : str
        "laplacian", "divergence" or "curl".
    index : tuple of int
        The point.
    parts : tuple of (int, str, Explanation)
        The sign (+1 or -1), a label such as ``"d2f/dx0^2"`` and the
        explanation of each derivative, in the order they are summed.
    samples : tuple of (str, tuple of int, float)
        The combined stencil: each sample read (its array name and index)
        with its total weight; weights of the same sample are added.
    result : scalar
        The operator's value at the point: the parts' results summed left to
        right in the result's dtype, as the operator sums them.
    """

    operator: str
    index: tuple[int, ...]
    parts: tuple[tuple[int, str, Explanation], ...]
    samples: tuple[tuple[str, tuple[int, ...], Any], ...]
    result: Any

    @property
    def weights(self) -> np.ndarray:
        """The combined stencil's weights, in the order of ``samples``."""
        return np.array([w for _, _, w in self.samples])

    def __str__(self) -> str:
        lines = [f"{self.operator} at index {self.index} = " + " ".join(
            f"{'+' if s > 0 else '-'} {label}" if k else f"{'-' if s < 0 else ''}{label}"
            for k, (s, label, _) in enumerate(self.parts)
        )]
        for s, label, e in self.parts:
            lines.append("")
            lines.append(f"{label}: {e.formula}")
            lines.append(f"  = {_fmt(e.result)}   ({e.scheme})")
        lines.append("")
        lines.append(f"combined stencil ({len(self.samples)} samples):")
        for name, idx, w in self.samples:
            lines.append(f"  {name}[{', '.join(map(str, idx))}]  weight {_fmt(w)}")
        lines.append("")
        lines.append(f"result = {_fmt(self.result)}")
        return "\n".join(lines)

    def to_markdown(self) -> str:
        """The explanation as Markdown (a table of the combined stencil)."""
        head = f"**{self.operator}** at index `{self.index}` = " + " ".join(
            f"{'+' if s > 0 else '−'} `{label}`" if k else f"{'−' if s < 0 else ''}`{label}`"
            for k, (s, label, _) in enumerate(self.parts)
        )
        rows = ["| sample | weight |", "|---|---:|"] + [
            f"| `{name}[{', '.join(map(str, idx))}]` | {_fmt(w)} |" for name, idx, w in self.samples
        ]
        parts = [f"- `{label}`: {e.scheme}, = {_fmt(e.result)}" for _, label, e in self.parts]
        return "\n".join([head, "", *parts, "", *rows, "", f"result = {_fmt(self.result)}"])

    def _repr_markdown_(self) -> str:
        return self.to_markdown()


def explain_operator(
    operator: str,
    f: Any,
    index: int | Sequence[int],
    *,
    spacing: Any = 1,
    dim: Any = None,
    accuracy: int = 2,
    edge_order: int | None = None,
    boundary: str = "one-sided",
    period: Any = None,
    component: int | None = None,
) -> OperatorExplanation:
    """Explain one output of an operator: its derivatives and combined stencil.

    Parameters
    ----------
    operator : {"laplacian", "divergence", "curl"}
    f : array_like, or the components of a vector field
        The field, as the operator takes it (a scalar field for the
        Laplacian; a sequence of components, or an array whose first axis
        holds them, for divergence and curl).
    index : int or tuple of int
        The point, one entry per dim of the field.
    spacing, dim, accuracy, edge_order, boundary, period
        As in the operator (``edge_order`` defaults to ``accuracy``).
    component : int, optional
        For the curl of a 3-D field: which component (0, 1 or 2) to explain.

    Returns
    -------
    OperatorExplanation

    Examples
    --------
    >>> import numpy as np, gradkit
    >>> f = np.arange(25.0).reshape(5, 5) ** 2
    >>> e = gradkit.explain_operator("laplacian", f, (2, 2), spacing=(0.5, 1.0))
    >>> [(idx, float(w)) for _, idx, w in e.samples]
    [((1, 2), 4.0), ((2, 1), 1.0), ((2, 2), -10.0), ((2, 3), 1.0), ((3, 2), 4.0)]
    >>> bool(e.result == gradkit.laplacian(f, spacing=(0.5, 1.0))[2, 2])
    True
    """
    func = "explain_operator"
    if operator not in _OPERATORS:
        raise ValueError(f"{func}: operator must be one of {', '.join(map(repr, _OPERATORS))}, got {operator!r}")
    comps = [f] if operator == "laplacian" else _components(f, func)
    shape = tuple(np.shape(comps[0]))
    axes = _args.normalize_dims(dim, len(shape), func, "dim")
    if operator != "laplacian" and len(comps) != len(axes):
        raise ValueError(
            f"{func}: v has {len(comps)} components, so it needs {len(comps)} differentiated dims, "
            f"got {len(axes)}; pass dim= with {len(comps)} dims"
        )
    if operator == "curl" and len(comps) not in (2, 3):
        raise ValueError(f"{func}: the curl needs 2 or 3 components, got {len(comps)}")
    if operator == "curl" and len(comps) == 3 and component not in (0, 1, 2):
        raise ValueError(f"{func}: the curl of a 3-D field has 3 components; pass component=0, 1 or 2")
    if component is not None and not (operator == "curl" and len(comps) == 3):
        raise ValueError(f"{func}: component= is only for the curl of a 3-D field")
    spacings = _per_dim(spacing, len(axes), func, "spacing")
    periods = _per_dim(period, len(axes), func, "period")
    if edge_order is None and boundary != "periodic":
        edge_order = accuracy

    def part(c: int, k: int, order: int) -> Explanation:
        return explain(comps[c], index, spacing=spacings[k], axis=axes[k], order=order, accuracy=accuracy,
                       edge_order=edge_order, boundary=boundary, period=periods[k])

    name = (lambda c: "f") if operator == "laplacian" else (lambda c: f"v{c}")
    if operator == "laplacian":
        terms = [(1, f"d2f/dx{axes[k]}^2", 0, part(0, k, 2)) for k in range(len(axes))]
    elif operator == "divergence":
        terms = [(1, f"dv{k}/dx{axes[k]}", k, part(k, k, 1)) for k in range(len(axes))]
    else:
        pairs = {None: ((1, 0), (0, 1)), 2: ((1, 0), (0, 1)), 0: ((2, 1), (1, 2)), 1: ((0, 2), (2, 0))}[component]
        (a, da), (b, db) = pairs
        terms = [(1, f"dv{a}/dx{axes[da]}", a, part(a, da, 1)), (-1, f"dv{b}/dx{axes[db]}", b, part(b, db, 1))]
    combined: dict[tuple[str, tuple[int, ...]], Any] = {}
    for sign, _, c, e in terms:
        base = e.index if isinstance(e.index, tuple) else (e.index,)
        for j, w in zip(e.indices, e.weights):
            idx = list(base)
            idx[e.axis] = int(j)
            key = (name(c), tuple(idx))
            combined[key] = combined.get(key, 0) + sign * w
    samples = tuple((n, idx, w) for (n, idx), w in sorted(combined.items()) if w != 0)
    dtype_name = str(terms[0][3].dtype).split(".")[-1]  # "float32", or torch's "torch.float32"
    dtype = np.dtype(dtype_name) if dtype_name in np.sctypeDict else np.dtype(np.float64)
    total = None
    for sign, _, _, e in terms:
        r = np.asarray(e.result, dtype=dtype)[()]
        total = (r if sign > 0 else -r) if total is None else (total + r if sign > 0 else total - r)
    first = terms[0][3]
    index_t = first.index if isinstance(first.index, tuple) else (first.index,)
    return OperatorExplanation(operator, index_t, tuple((s, lab, e) for s, lab, _, e in terms), samples, total)


def _per_dim(value: Any, count: int, func: str, name: str) -> list:
    if isinstance(value, (list, tuple)):
        if len(value) != count:
            raise ValueError(f"{func}: {name} must be a scalar or hold one entry per dim ({count}), got {len(value)}")
        return list(value)
    if value is not None and np.ndim(value) == 1 and count == 1:
        return [value]
    return [value] * count
