"""Drop-in replacements for ``torch.gradient`` and ``numpy.gradient``.

Each has the signature, return convention and dtype rules of the original
and returns the original's numbers bit for bit: the stencil plans follow the
original's operation order (``recipe="torch"`` or ``"numpy"``, the closed
forms of :mod:`gradkit.stencils`), and every operation takes the operands
the original gives it -- the data in its own dtype, the coordinates in
theirs, the step as the caller's scalar -- so the array library's own
promotion and rounding decide each result (float16, datetimes, float32
coordinates, complex coordinates included). Where that arithmetic is plain
float64 (or float32 with a Python step) the compiled kernel does the same
operations faster. The drop-ins differ only where the original is silently
wrong or fails obscurely (listed in ``docs/compat.md``).
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from . import _args, stencils
from ._arrays import Operand, as_operand, is_torch
from .derivatives import evaluate, masks_through
from .kernels import chunked, dispatch

__all__ = ["torch_gradient", "numpy_gradient", "TorchCompatError", "TorchCompatTypeError"]


class TorchCompatError(ValueError, RuntimeError):
    """A bad argument value to :func:`torch_gradient`.

    A ``ValueError`` like every gradkit argument error, and also a
    ``RuntimeError`` because that is what ``torch.gradient`` raises for the
    same mistakes, so ``except RuntimeError`` keeps working.
    """


class TorchUnsupportedDtypeError(TypeError, NotImplementedError):
    """Data of a dtype torch's own arithmetic cannot differentiate
    (complex32, the float8 types): a ``TypeError``, and also the
    ``NotImplementedError`` that ``torch.gradient`` raises for them."""


class TorchCompatTypeError(TypeError, RuntimeError):
    """A bad argument type to :func:`torch_gradient` (e.g. boolean data).

    A ``TypeError``, and also a ``RuntimeError`` for the cases where
    ``torch.gradient`` raises one (boolean data or coordinates).
    """


# The originals' own messages for the mistakes both refuse, keyed by the code
# the arguments layer tags its errors with (see _args.coded); a drop-in's
# error starts with the original's text, then gives gradkit's explanation.
_NUMPY_MESSAGES = {
    "coords-ndim": lambda f: "distances must be either scalars or 1d",
    "coords-length": lambda f: "when 1d, distances must match the length of the corresponding dimension",
    "spacing-length": lambda f: "invalid number of arguments",
    "too-short": lambda f: (
        "Shape of array too small to calculate a numerical gradient, at least (edge_order + 1) elements are required."
    ),
    "dim-range": lambda f: f"axis {f['dim']} is out of bounds for array of dimension {f['ndim']}",
    "dim-repeated": lambda f: "repeated axis",
}


def _torch_range(f: dict) -> str:
    if f["ndim"] == 0:
        return f"Dimension specified as {f['dim']} but tensor has no dimensions"
    return f"Dimension out of range (expected to be in range of [{-f['ndim']}, {f['ndim'] - 1}], but got {f['dim']})"


def _torch_length(f: dict) -> str:
    if f["dim_given"]:
        return (
            "torch.gradient expected spacing to be unspecified, a scalar or it's spacing and dim arguments to "
            f"have the same length, but got a spacing argument of length {f['length']} and a dim argument of "
            f"length {f['dims']}."
        )
    return (
        "torch.gradient expected spacing to be unspecified, a scalar, or a list of length equal to "
        f"'self.dim() = {f['ndim']}', since dim argument was not given, but got a list of length {f['length']}"
    )


_TORCH_MESSAGES = {
    "spacing-length": _torch_length,
    "too-short": lambda f: (
        "torch.gradient only supports edge_order=1 and edge_order=2."
        if f["edge_order"] > 2
        else "torch.gradient expected each dimension size to be at least edge_order+1"
    ),
    "edge-order": lambda f: "torch.gradient only supports edge_order=1 and edge_order=2.",
    "dim-repeated": lambda f: f"dim {f['dim']} appears multiple times in the list of dims",
    "dim-range": _torch_range,
    "device": lambda f: (
        f"torch.gradient expected each tensor to be on the same device, but got devices "
        f"{f['devices'][0]} and {f['devices'][1]}!"
    ),
    "coords-ndim": lambda f: (
        "torch.gradient expected each element of spacing to have one dimension, but got an element "
        f"with {f['ndim']} dimensions!"
    ),
}


def _as_timedelta(values: np.ndarray, otype: np.dtype) -> np.ndarray:
    """gradkit's wider edges on datetimes (computed in float64): timedeltas
    rounded once to the nearest unit (ties to even); NaN (a stencil that read
    a NaT) becomes NaT."""
    nat = np.iinfo(np.int64).min
    with np.errstate(invalid="ignore"):
        ints = np.where(np.isfinite(values), np.rint(values), 0).astype(np.int64)
    ints[~np.isfinite(values)] = nat
    return ints.view(otype)


def _scalar_edges(out: np.ma.MaskedArray, masked: np.ma.MaskedArray, op: Operand, specs: list,
                  operands: list) -> np.ma.MaskedArray:
    """numpy.gradient indexes the edge samples with integers: on a 1-D
    masked array those are plain NumPy scalars (or ``np.ma.masked``), so its
    two edge values take plain arithmetic (a Python step stays weak) and are
    masked exactly when a sample they read is masked."""
    (plain,) = _run(Operand(np.ma.getdata(masked), op.xp, op.kind, True), specs, operands, "numpy", [False])
    (edge_mask,) = masks_through(np.ma.getmaskarray(masked), specs)
    data = out.data.copy()
    mask = np.ma.getmaskarray(out).copy()
    ends = (0, specs[0].n - 1)
    for i in ends:
        data[i] = plain[i]
        mask[i] = edge_mask[i]
    # The slices numpy writes carry a mask when they come from a division
    # (the uniform interior) or are np.ma.masked (an edge reading a masked sample).
    full = masked.mask is not np.ma.nomask or operands[0][1] is None or any(edge_mask[i] for i in ends)
    return np.ma.MaskedArray(data, mask=mask if full else np.ma.nomask, shrink=False)


def _mask_like_numpy(a: np.ma.MaskedArray, given: np.ma.MaskedArray) -> np.ma.MaskedArray:
    """numpy.gradient writes its output slice by slice into ``empty_like(f)``:
    the result carries a full mask when ``f`` does or when a slice written
    had one, and stays ``nomask`` otherwise."""
    if a.mask is np.ma.nomask and given.mask is not np.ma.nomask:
        a = np.ma.MaskedArray(a.data, mask=np.zeros(a.shape, bool), shrink=False)
    return a


class _MaskedNamespace:
    """NumPy's array namespace for ``np.ma`` operands: the same functions,
    except that concatenation keeps the masks (``np.ma.concatenate``)."""

    def __init__(self, xp: Any):
        self._xp = xp

    def __getattr__(self, name: str) -> Any:
        return getattr(self._xp, name)

    @staticmethod
    def concat(arrays: Sequence[Any], axis: int = 0) -> Any:
        data = np.concatenate([np.ma.getdata(a) for a in arrays], axis=axis)
        if all(np.ma.getmask(a) is np.ma.nomask for a in arrays):
            return np.ma.MaskedArray(data)
        # np.ma.concatenate would drop an all-False mask; numpy.gradient's
        # output keeps the full mask of every slice written into it.
        mask = np.concatenate([np.ma.getmaskarray(a) for a in arrays], axis=axis)
        return np.ma.MaskedArray(data, mask=mask, shrink=False)


def _original_first(exc: Exception, messages: dict, cls: type | None = None) -> Exception:
    """``exc`` (or a ``cls``) whose message starts with the original's text
    for the same mistake, when the original has one."""
    cls = cls or type(exc)
    text = messages.get(getattr(exc, "gradkit_code", None))
    message = f"{text(exc.gradkit_facts)} -- {exc}" if text else str(exc)
    if cls is type(exc) and not text:
        return exc
    return cls(message)


def _run(op: Operand, specs: list, operands: list, recipe: str, compiled: list) -> list:
    """Each axis's plan (in ``recipe``'s operation order) applied to ``op``.

    ``operands[k]`` is ``(step, coords)`` as the original uses them: the
    step as the caller's scalar, the coordinates in their own library and
    dtype. ``compiled[k]`` says the compiled kernel reproduces the
    original's arithmetic for that axis (plain float64, or float32 with a
    Python step); the other axes run in the array library's own arithmetic.
    """
    results = []
    for spec, (step, coords), fast in zip(specs, operands, compiled):
        host = spec.spacing.coords if coords is not None else None
        plan = stencils.plan_axis(
            spec.n,
            edge_order=spec.edge_order,
            step=None if coords is not None else spec.spacing.step,
            coords=host if fast else None,
            traced=coords is not None and not fast,
            recipe=recipe,
        )
        if fast:
            results.append(dispatch.apply(op.xp, op.array, plan, spec.axis, op.array.dtype, step=step))
        else:
            results.append(dispatch.apply(op.xp, op.array, plan, spec.axis, None, coords=coords, step=step))
    return results


# ---------------------------------------------------------------------------
# torch.gradient
# ---------------------------------------------------------------------------
def _check_real_coordinates(entries: list, edge_order: int, func: str, name: str, whose: str) -> None:
    """edge_order > 2 (gradkit's wider edges) needs real coordinates."""
    for k, e in enumerate(entries):
        if e.coords is not None and np.iscomplexobj(e.coords):
            raise TypeError(
                f"{func}: {name}[{k}] holds complex coordinates, which {whose} own schemes "
                f"(edge_order 1 and 2) take; edge_order={edge_order} is gradkit's wider edges, "
                "computed from real coordinates only"
            )


def _torch_operands(torch: Any, spacing: Any, specs: list) -> list:
    """(step, coordinates) per axis as torch.gradient uses them: a Python
    number, or the coordinate tensor itself (never collapsed to a step)."""
    items = list(spacing) if isinstance(spacing, (list, tuple)) else [spacing] * len(specs)
    result = []
    for item, spec in zip(items, specs):
        if spec.spacing.coords is None and spec.spacing.traced is None:
            step = item.item() if hasattr(item, "item") else item
            if isinstance(step, int) and abs(step) >= 1 << 63:
                step = float(step)  # beyond torch's int64 scalars
            result.append((1.0 if step is None else step, None))
        elif is_torch(item):
            result.append((None, item))
        elif isinstance(item, np.ndarray):  # gradkit also takes NumPy arrays (promote like their dtype) ...
            result.append((None, torch.from_numpy(item.copy())))
        else:  # ... and lists (the default float, like torch.tensor of them)
            result.append((None, torch.tensor(item)))
    return result


def _torch_lists_as_tensors(torch: Any, spacing: Any, device: Any) -> Any:
    """Coordinate lists (which torch refuses) as ``torch.tensor(list)``, the
    default float: validated as the coordinates that are computed with, so
    that values that coincide once rounded are refused, not divided by."""
    if not isinstance(spacing, (list, tuple)):
        return spacing
    items = []
    for item in spacing:
        if isinstance(item, (list, tuple, range)) and len(item) and _args._ndim(item) == 1:
            try:
                item = torch.tensor(item, device=device)
            except (TypeError, ValueError, RuntimeError, OverflowError):
                pass  # not numbers: the arguments layer says what is wrong
        items.append(item)
    return type(spacing)(items)


def _torch_data(torch: Any, input: Any, operand: tuple) -> Any:
    """The data for one axis: integer data widened to int64, so that torch's
    own integer arithmetic cannot wrap around; beyond 2**62 (where even
    int64 differences could wrap) converted to the axis's result dtype
    instead -- the default float for a step, float64 next to float64
    coordinates -- so that no precision is lost that torch keeps."""
    if input.dtype.is_floating_point or input.dtype.is_complex:
        return input
    wide = input.to(torch.int64)
    # (abs() of -2**63 wraps to itself in int64: the extremes are read instead)
    if not wide.numel() or -(1 << 62) < int(wide.min()) and int(wide.max()) < 1 << 62:
        return wide
    step, coords = operand
    if coords is not None:
        return input.to(torch.promote_types(torch.get_default_dtype(), (coords[:0] / 1).dtype))
    return input.to((torch.ones(1) / step).dtype)


def torch_gradient(input: Any, *, spacing: Any = 1, dim: Any = None, edge_order: int = 1) -> tuple:
    """Drop-in for ``torch.gradient``: same arguments, results, dtypes and tuple.

    The values are torch's own, bit for bit, in every dtype (float16 and
    bfloat16 computed in their own precision, as torch does). Differences,
    all deliberate: integer input cannot wrap around (torch subtracts in
    the integer dtype), uint8 is accepted, coordinate arrays of the wrong
    length, zero/NaN/inf spacings, repeated coordinates and boolean spacings
    raise a clear error instead of returning wrong numbers, scalars and
    coordinate arrays may be mixed, coordinates may be any array-like, and
    ``edge_order`` may be any positive integer. Errors that torch reports as
    ``RuntimeError`` are :class:`TorchCompatError`, which is both a
    ``RuntimeError`` and a ``ValueError``.

    Examples
    --------
    >>> import torch
    >>> from gradkit.compat import torch_gradient
    >>> torch_gradient(torch.tensor([4., 1., 1., 16.]), spacing=(torch.tensor([-2., -1., 1., 4.]),))
    (tensor([-3., -2.,  2.,  5.]),)
    """
    func = "torch_gradient"
    if not is_torch(input):
        raise TypeError(f"{func}: input must be a torch.Tensor, got {type(input).__name__}")
    import torch  # the caller handed us a tensor, so torch is already imported

    if input.dtype == torch.complex32 or "float8" in str(input.dtype):
        if input.ndim == 0 or (isinstance(dim, (tuple, list)) and len(dim) == 0):
            # No dim to differentiate: torch returns () (or its dim error) whatever the dtype.
            wide = torch.complex64 if input.dtype.is_complex else torch.float32
            return torch_gradient(input.to(wide), spacing=spacing, dim=dim, edge_order=edge_order)
        raise TorchUnsupportedDtypeError(
            f"{func}: torch's arithmetic does not divide {input.dtype} tensors (torch.gradient raises "
            f"NotImplementedError for them); convert the input first, e.g. input.to(torch.complex64) or "
            "input.to(torch.float32)"
        )
    for item in (spacing if isinstance(spacing, (list, tuple)) else [spacing]) if input.ndim else ():
        if item is not None and np.ndim(item) == 0 and not is_torch(item) and not isinstance(item, (int, float, complex, np.number, np.ndarray)):
            raise TorchCompatTypeError(
                f"{func}: spacing must hold numbers torch takes (int, float, complex, or 0-d tensors) or "
                f"coordinate tensors, got {type(item).__name__} {item!r} (torch.gradient refuses it too); "
                "convert it, e.g. float(value)"
            )

    spacing = _torch_lists_as_tensors(torch, spacing, input.device)
    try:
        try:
            _args.check_positive_int(edge_order, "edge_order", func, " (1, 2, 3, ...)")
        except ValueError as exc:
            raise _args.coded(exc, "edge-order") from None
        op = as_operand(input, func)
        axes = _args.normalize_dims(dim, op.ndim, func)
        _args.check_torch_spacing_tensors(spacing, input, func)
        entries = _args.torch_style_spacing(spacing, axes, op.shape, dim is not None, func, complex_coords=True)
        if edge_order > 2:
            _check_real_coordinates(entries, edge_order, func, "spacing", "torch's")
        specs = _args.make_specs(
            op.shape, axes, entries, func=func, edge_order=edge_order, accuracy=2,
            eps=op.rounding_unit() if edge_order > 2 else None,
        )
    except IndexError as exc:
        raise _original_first(exc, _TORCH_MESSAGES, IndexError) from None
    except ValueError as exc:
        raise _original_first(exc, _TORCH_MESSAGES, TorchCompatError) from None
    except TypeError as exc:
        raise _original_first(exc, _TORCH_MESSAGES, TorchCompatTypeError) from None
    if edge_order > 2:
        # Beyond torch: gradkit's own wider edges, in torch's dtype.
        return tuple(evaluate(op, specs, _torch_dtypes(torch, op, specs)))
    operands = _torch_operands(torch, spacing, specs)
    outs = []
    for spec, operand in zip(specs, operands):
        data = Operand(_torch_data(torch, input, operand), op.xp, op.kind, False)
        outs += _run(data, [spec], [operand], "torch", [False])
    for k, (_, coords) in enumerate(operands):
        if coords is not None:
            # torch concatenates the edges with the interior, whose per-point
            # coefficients promote (even when it is empty, on 2 samples).
            interior = torch.promote_types(data.array.dtype, (coords[:0] / 1).dtype)
            if outs[k].dtype != interior:
                outs[k] = outs[k].to(interior)
    return tuple(outs)


def _torch_dtypes(torch: Any, op: Operand, specs: list) -> list:
    """torch's result dtype (of ``input / h``, or promote(input, float(coords)))
    for gradkit's own wider schemes, computed in float32 for half precision."""
    result = []
    for spec in specs:
        probe = torch.ones(1, dtype=op.dtype) if op.kind != "integer" else torch.ones(1)
        raw = spec.spacing.raw
        if spec.spacing.coords is not None:
            # as _torch_operands takes them: NumPy arrays in their dtype, lists as torch.tensor(list)
            x = raw if is_torch(raw) else torch.from_numpy(np.array(raw)) if isinstance(raw, np.ndarray) else torch.tensor(raw)
            out = (probe * (x[:1] / x[:1])).dtype if x.is_floating_point() or x.is_complex() else torch.promote_types(probe.dtype, torch.get_default_dtype())
        else:
            out = (probe / (raw.item() if hasattr(raw, "item") else raw)).dtype
        compute = torch.float32 if out in (torch.float16, torch.bfloat16) else out
        result.append((compute, out))
    return result


# ---------------------------------------------------------------------------
# numpy.gradient
# ---------------------------------------------------------------------------
def _numpy_gradient_dask(f: Any, varargs: tuple, axis: Any, edge_order: int) -> Any:
    """:func:`numpy_gradient` of a Dask array: lazy Dask arrays with the
    input's chunks and numpy.gradient's bits on the computed array (what
    ``numpy.gradient`` itself does with a Dask array is hand it to
    ``dask.array.gradient``, lazily). The numbers whose numpy arithmetic
    the chunked kernel reproduces block by block are taken: integers (as
    float64), float16/32/64 and complex data, any scalar spacings, float64
    coordinates with float64 data (and any coordinates with
    ``edge_order`` > 2); anything else is refused when the call is made."""
    func = "numpy_gradient"
    meta = getattr(f, "_meta", None)
    if isinstance(meta, np.ma.MaskedArray):
        raise TypeError(
            f"{func}: f is a masked Dask array; numpy's masked arithmetic (np.ma) is not reproduced on Dask "
            "blocks. Use gradkit.gradient, which follows numpy's mask rule on Dask arrays (an output is masked "
            "where its stencil reads a masked sample), or compute f first"
        )
    kind = f.dtype.kind
    if kind not in "iufc" or f.dtype == np.longdouble or f.dtype == np.clongdouble:
        raise TypeError(
            f"{func}: f is a Dask array of dtype {f.dtype}; on Dask arrays numpy_gradient takes integer, "
            "float16/32/64 and complex64/128 data (compute f first for numpy's other dtypes)"
        )
    _args.check_positive_int(edge_order, "edge_order", func, " (1, 2, 3, ...)")
    data = f.astype(np.float64) if kind in "iu" else f  # numpy widens integers first
    op = as_operand(data, func)
    try:
        axes = _args.normalize_dims(axis, op.ndim, func, "axis")
        entries = _args.numpy_style_spacing(varargs, axes, op.shape, func, complex_coords=edge_order <= 2)
        specs = _args.make_specs(
            op.shape, axes, entries, func=func, edge_order=edge_order, accuracy=2,
            eps=op.rounding_unit() if edge_order > 2 else None,
        )
    except (ValueError, TypeError) as exc:
        raise _original_first(exc, _NUMPY_MESSAGES) from None
    if edge_order > 2:
        from .derivatives import native_dtypes

        outs = evaluate(op, specs, native_dtypes(op, specs))
    else:
        values = list(varargs) if len(varargs) == len(axes) else list(varargs) * len(axes) if varargs else [1.0] * len(axes)
        operands = [_numpy_operand(v, s) for v, s in zip(values, specs)]
        fast = [_numpy_compiled(data, step, coords) for step, coords in operands]
        for k, ((step, coords), quick) in enumerate(zip(operands, fast)):
            if coords is not None and not quick:
                raise TypeError(
                    f"{func}: varargs[{k}] are coordinates of dtype {coords.dtype} for Dask data of dtype "
                    f"{data.dtype}; on Dask arrays numpy_gradient takes float64 coordinates with float64 "
                    "data only (numpy's arithmetic in other dtypes is not reproduced block by block): "
                    "compute f first, or use gradkit.gradient"
                )
        outs = []
        for spec, (step, coords), quick in zip(specs, operands, fast):
            plan = stencils.plan_axis(
                spec.n, edge_order=spec.edge_order, step=None if coords is not None else spec.spacing.step,
                coords=spec.spacing.coords if coords is not None else None, recipe="numpy",
            )
            # numpy's output has the data's dtype, whatever its arithmetic
            # (float16 data with a float32 step compute in float32): each
            # block is stored in it.
            (out,) = chunked.apply_plans(data, [(plan, spec.axis, step)], data.dtype if quick else None,
                                         cast=data.dtype)
            outs.append(out)
    return outs[0] if len(outs) == 1 else tuple(outs)


def _numpy_data(arr: np.ndarray) -> tuple[np.ndarray, np.dtype]:
    """The array numpy.gradient computes on and its output dtype: datetimes
    as timedeltas, integers as float64, other numbers as they are."""
    data = np.ma.getdata(arr) if isinstance(arr, np.ma.MaskedArray) else np.asarray(arr)
    kind = data.dtype.kind
    if kind == "M":
        otype = np.dtype(data.dtype.str.replace("M8", "m8"))
        return data.view(otype), otype
    if kind == "m" or kind in "fc":
        return data, data.dtype
    if kind in "iu":
        return data.astype(np.float64), np.dtype(np.float64)
    return data, np.dtype(np.float64)


def _numpy_operand(value: Any, spec: Any) -> tuple[Any, Any]:
    """(step, coordinates) of one axis as numpy.gradient uses them: the
    caller's scalar as it is, or the coordinates in their own dtype
    (integers as float64) -- collapsed to their first difference, a NumPy
    scalar, when every difference equals it."""
    if np.ndim(value) == 0:
        return (value[()] if isinstance(value, np.ndarray) else value), None
    x = np.asarray(value)
    if x.dtype.kind in "iu":
        x = x.astype(np.float64)
    if x.dtype == np.float64:
        # The arguments layer ran numpy's very test (exact equality of the
        # float64 differences) on these coordinates: no second pass.
        step = spec.spacing.step
        return (np.float64(step), None) if step is not None else (None, x)
    dx = np.diff(x)
    if (dx == dx[0]).all():
        return dx[0], None
    return None, x


def _numpy_compiled(data: np.ndarray, step: Any, coords: Any) -> bool:
    """Whether the compiled kernel performs numpy.gradient's very operations:
    real float32/float64 data whose arithmetic stays in their own dtype."""
    if data.dtype not in (np.float32, np.float64):
        return False
    if coords is not None:
        return coords.dtype == data.dtype == np.float64
    if isinstance(step, (bool, np.bool_)):
        return False
    if type(step) in (int, float):
        return True
    return isinstance(step, np.generic) and np.result_type(data.dtype, step) == data.dtype


def _python_number_failure(exc: Exception, values: list, func: str) -> Exception:
    """A clear error for numpy's own arithmetic failing on spacings that are
    Python numbers other than int/float/complex (``Fraction``, ``Decimal``,
    object arrays of them): numpy.gradient fails there too, with the bare
    ``OverflowError``/``ZeroDivisionError``/``TypeError`` of the number type.
    Any other failure is re-raised as it is (it is not the caller's input)."""
    plain = (int, float, complex, np.generic)
    for k, v in enumerate(values):
        if isinstance(v, np.ndarray) and v.dtype == object or np.ndim(v) == 0 and not isinstance(v, plain):
            what = f"coordinates of {type(np.ravel(v)[0]).__name__}" if np.ndim(v) else type(v).__name__
            cls = TypeError if isinstance(exc, TypeError) else ValueError
            return cls(
                f"{func}: numpy's arithmetic on varargs[{k}] ({what}) fails with {type(exc).__name__}: {exc} "
                "(numpy.gradient fails the same way); convert the spacing to float64 first, e.g. "
                "np.asarray(x, dtype=float) or float(h)"
            )
    return exc


def numpy_gradient(f: Any, *varargs: Any, axis: Any = None, edge_order: int = 1) -> Any:
    """Drop-in for ``numpy.gradient``: same varargs, return value and dtype rules.

    Returns one array when one axis is differentiated, else a tuple, with
    numpy's values bit for bit in every dtype: integers become float64
    first; float16/32/64, longdouble and complex keep their precision
    (float16 computed in float16, as numpy does); ``datetime64`` data give
    ``timedelta64`` results (truncated, as numpy's integer arithmetic
    does), timedelta stays timedelta; coordinates are used in their own
    dtype (float32 coordinates give float32 weights; complex coordinates
    give numpy's warning and real part); ``np.ma.MaskedArray`` and other
    subclasses are kept. A Dask array gives lazy Dask arrays with the same
    bits (see docs/dask.md; masked and datetime Dask arrays, and
    coordinates other than float64 ones with float64 data, are refused).

    Differences, all deliberate: ``edge_order`` must be a positive integer
    (numpy silently uses 2 for 0, -1 or 1.5) and may exceed 2; zero, NaN and
    infinite spacings and repeated coordinates raise ``ValueError`` (numpy
    warns and returns inf/nan).

    Examples
    --------
    >>> import numpy as np
    >>> from gradkit.compat import numpy_gradient
    >>> numpy_gradient(np.array([1, 2, 4, 7, 11, 16]), 2.0)
    array([0.5 , 0.75, 1.25, 1.75, 2.25, 2.5 ])
    >>> x = np.array([0., 1., 1.5, 3.5, 4., 6.])
    >>> numpy_gradient(np.array([1, 2, 4, 7, 11, 16]), x)
    array([1. , 3. , 3.5, 6.7, 6.9, 2.5])
    >>> numpy_gradient(np.array(["2026-01-01", "2026-01-03", "2026-01-08"], "datetime64[D]"))
    array([2, 3, 5], dtype='timedelta64[D]')
    """
    func = "numpy_gradient"
    if chunked.is_dask(f):
        return _numpy_gradient_dask(f, varargs, axis, edge_order)
    arr = np.asanyarray(f)
    data, otype = _numpy_data(arr)
    _args.check_positive_int(edge_order, "edge_order", func, " (1, 2, 3, ...)")
    # Validation sees the numbers as gradkit does (datetimes as their counts).
    op = as_operand(data.view(np.int64) if data.dtype.kind == "m" else data, func)
    if op.kind == "real" and data.dtype.kind == "V":
        op = Operand(data.astype(np.float32), op.xp, "real", True)  # ml_dtypes' bfloat16: numpy computes in it
    try:
        axes = _args.normalize_dims(axis, op.ndim, func, "axis")
        entries = _args.numpy_style_spacing(varargs, axes, op.shape, func, complex_coords=True)
        if edge_order > 2:
            _check_real_coordinates(entries, edge_order, func, "varargs", "numpy's")
        specs = _args.make_specs(
            op.shape, axes, entries, func=func, edge_order=edge_order, accuracy=2,
            eps=op.rounding_unit() if edge_order > 2 else None,
        )
    except (ValueError, TypeError) as exc:
        raise _original_first(exc, _NUMPY_MESSAGES) from None
    if edge_order > 2:
        # Beyond numpy: gradkit's own wider edges, computed in the data's dtype.
        from .derivatives import native_dtypes

        if data.dtype.kind == "m":
            counts = data.view(np.int64).astype(np.float64)
            counts[np.isnat(data)] = np.nan  # NaT reaches the outputs whose stencils read it, as NaT
            op = as_operand(counts, func)
        outs = evaluate(op, specs, native_dtypes(op, specs))
        if data.dtype.kind == "m":
            outs = [_as_timedelta(o, otype) for o in outs]
    else:
        values = list(varargs) if len(varargs) == len(axes) else list(varargs) * len(axes) if varargs else [1.0] * len(axes)
        operands = [_numpy_operand(v, s) for v, s in zip(values, specs)]
        if isinstance(arr, np.ma.MaskedArray) and data.dtype.kind in "fciu":
            # numpy's arithmetic on a masked array is np.ma's: a Python step
            # becomes a 0-d float64 array (no weak promotion, so float32 and
            # float16 data divide in float64), and non-finite quotients are
            # masked. The very operations, on the masked array, give its
            # values and its mask.
            masked = arr.astype(np.float64) if arr.dtype.kind in "iu" else arr  # numpy widens integers first
            try:
                outs = _run(Operand(masked, _MaskedNamespace(op.xp), op.kind, True), specs, operands, "numpy",
                            [False] * len(specs))
            except (TypeError, ValueError, ArithmeticError) as exc:
                raise _python_number_failure(exc, values, func) from None
            if masked.ndim == 1 and specs and specs[0].n > 1:
                outs = [_scalar_edges(outs[0], masked, op, specs, operands)]
            with np.errstate(over="ignore"):  # numpy's own store into its output: beyond the range is inf
                outs = [_mask_like_numpy(o if o.dtype == otype else o.astype(otype), arr) for o in outs]
            return outs[0] if len(outs) == 1 else tuple(outs)
        fast = [_numpy_compiled(data, step, coords) for step, coords in operands]
        try:
            try:
                outs = _run(Operand(data, op.xp, op.kind, True), specs, operands, "numpy", fast)
            except TypeError:
                if data.dtype != object:
                    raise
                # numpy's object arithmetic fails (Decimal with a float step):
                # the numbers as float64 instead (op.array, validated).
                outs = _run(op, specs, operands, "numpy", fast)
            with np.errstate(over="ignore"):  # numpy's own store into its output: beyond the range is inf
                outs = [o if o.dtype == otype else o.astype(otype) for o in outs]
        except (TypeError, ValueError, ArithmeticError) as exc:
            raise _python_number_failure(exc, values, func) from None

    if isinstance(arr, np.ma.MaskedArray):
        # numpy's result is masked wherever a stencil uses a masked sample
        # (and carries a full all-False mask when the input has none).
        outs = [np.ma.MaskedArray(o, mask=m) for o, m in zip(outs, masks_through(np.ma.getmaskarray(arr), specs))]
    elif type(arr) is not np.ndarray:
        outs = [o.view(type(arr)) for o in outs]
    if len(outs) == 1:
        return outs[0]
    return tuple(outs)
