"""What works on which array library: one declaration for the tests and the docs.

gradkit computes on the array you hand it, in that array's own library. This
module states, for every supported array library ("backend") and every
feature, whether the feature is supported, with a short note. It is plain
data: the backend test suite (``tests/backends``) reads it to decide what to
check on each library (a supported feature must work and agree with NumPy; an
unsupported one must fail with a clear ``TypeError`` or ``ValueError``), and
``docs/tools/backend_table.py`` renders it as the table in
``docs/backends.md``. Nothing here imports an array library.

Attributes
----------
BACKENDS : dict of str to Backend
    The backends, by key, in the order the table shows them.
FEATURES : dict of str to Feature
    The features, by key, in the order the table shows them.
SUPPORT : dict of str to dict of str to Support
    ``SUPPORT[backend][feature]``: whether it works and a note. Cells whose
    ``applicable`` is False name a feature that does not exist for that
    library (``torch.compile`` on NumPy arrays, say): they are neither
    supported nor errors, and the table shows them as a dash.

Examples
--------
>>> from gradkit import backends
>>> backends.SUPPORT["jax"]["jax-jit"].supported
True
>>> backends.supports("jax", "out")
False
>>> backends.SUPPORT["numpy"]["torch-compile"].applicable
False
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["Backend", "Feature", "Support", "BACKENDS", "FEATURES", "SUPPORT", "supports", "entry"]


class Backend(NamedTuple):
    """One array library (and device) gradkit computes on.

    Attributes
    ----------
    label : str
        Name shown in the docs.
    library : str
        The Python package the arrays come from.
    gpu : bool
        Whether the arrays live on a GPU (tests skip without one).
    description : str
        What kind of arrays this means.
    """

    label: str
    library: str
    gpu: bool
    description: str


class Feature(NamedTuple):
    """One capability that may or may not work on a backend.

    Attributes
    ----------
    label : str
        Name shown in the docs.
    description : str
        What "supported" promises.
    """

    label: str
    description: str


class Support(NamedTuple):
    """One cell of the table: does ``feature`` work on ``backend``?

    Attributes
    ----------
    supported : bool
        True: it works and gives the NumPy numbers. False: either the call
        fails with a clear ``TypeError``/``ValueError`` (when ``applicable``)
        or the feature does not exist for that library.
    note : str
        A short remark (limits, how it is done), or "" for none.
    applicable : bool, default True
        False when the feature belongs to another library (no such thing to
        support or refuse).
    """

    supported: bool
    note: str = ""
    applicable: bool = True


BACKENDS: dict[str, Backend] = {
    "numpy": Backend("NumPy", "numpy", False, "numpy.ndarray (compiled kernel for float32/64, complex64/128)"),
    "numpy-readonly": Backend(
        "NumPy (read-only)", "numpy", False, "numpy.ndarray with flags.writeable = False, data and coordinates"
    ),
    "array-api-strict": Backend(
        "array-api-strict", "array_api_strict", False, "the minimal array API reference implementation"
    ),
    "torch-cpu": Backend("PyTorch (CPU)", "torch", False, "torch.Tensor on the CPU"),
    "torch-cuda": Backend("PyTorch (CUDA)", "torch", True, "torch.Tensor on a CUDA GPU"),
    "jax": Backend("JAX", "jax", False, "jax.Array (default device; tests run with jax_enable_x64)"),
    "cupy": Backend("CuPy", "cupy", True, "cupy.ndarray on a CUDA GPU"),
    "dask": Backend(
        "Dask", "dask", False,
        "dask.array.Array of NumPy blocks (chunked kernel: lazy in, lazy out, input chunks kept)",
    ),
}

FEATURES: dict[str, Feature] = {
    "gradient-scalar": Feature(
        "gradient, scalar spacing",
        "gradkit.gradient with a scalar step (a number or a 0-d array of the library)",
    ),
    "gradient-coordinates": Feature(
        "gradient, coordinates",
        "gradkit.gradient with 1-D coordinate arrays of the library (any distinct values)",
    ),
    "derivative": Feature(
        "derivative, any order and accuracy",
        "gradkit.derivative of order 0, 1, 2, 3, ..., accuracy 2, 4, 6, ..., edge_order 1, 2, ..., mixed partials",
    ),
    "periodic": Feature("periodic boundary", "boundary='periodic' on uniform and coordinate grids"),
    "explain": Feature("explain", "gradkit.explain on the library's arrays gives the library's own result"),
    "out": Feature("out=", "results written into arrays the caller provides"),
    "autograd-values": Feature(
        "autograd through values",
        "gradients (first and second order) with respect to the data flow through the result",
    ),
    "autograd-coordinates": Feature(
        "autograd through coordinates",
        "gradients (first and second order) with respect to coordinate tensors with requires_grad",
    ),
    "torch-compile": Feature("torch.compile", "a function calling gradkit compiles and gives the eager result"),
    "jax-jit": Feature("jax.jit", "gradkit calls inside jax.jit (values traced; coordinates concrete or traced)"),
    "jax-grad-values": Feature("jax.grad w.r.t. values", "jax.grad of a loss of gradkit's result, w.r.t. the data"),
    "jax-grad-coordinates": Feature(
        "jax.grad w.r.t. coordinates", "jax.grad of a loss of gradkit's result, w.r.t. coordinate arrays"
    ),
    "jax-vmap": Feature("jax.vmap", "jax.vmap over a batch of signals or a batch of coordinate arrays"),
    "half-precision": Feature(
        "float16/bfloat16 kept",
        "half-precision data give half-precision results (computed in float32, rounded once)",
    ),
    "device": Feature("stays on device", "results are on the input's device; no host round trip of the data"),
}

_NA_TORCH = Support(False, "torch only", applicable=False)
_NA_JAX = Support(False, "JAX only", applicable=False)
_NA_AUTOGRAD = Support(False, "no autograd in this library", applicable=False)

_CPU_DEVICE = Support(True, "CPU")
_GPU_DEVICE = Support(True, "results stay on the input's GPU; weights are moved there once per plan")

_NUMPY: dict[str, Support] = {
    "gradient-scalar": Support(True, "compiled one-pass kernel (numba) for float32/64 and complex64/128"),
    "gradient-coordinates": Support(True),
    "derivative": Support(True),
    "periodic": Support(True, "non-uniform coordinates need period="),
    "explain": Support(True),
    "out": Support(True, "the compiled kernel writes into out directly"),
    "autograd-values": _NA_AUTOGRAD,
    "autograd-coordinates": _NA_AUTOGRAD,
    "torch-compile": _NA_TORCH,
    "jax-jit": _NA_JAX,
    "jax-grad-values": _NA_JAX,
    "jax-grad-coordinates": _NA_JAX,
    "jax-vmap": _NA_JAX,
    "half-precision": Support(True, "float16 (NumPy has no bfloat16)"),
    "device": _CPU_DEVICE,
}

_TORCH: dict[str, Support] = {
    "gradient-scalar": Support(True, "a Python number or a 0-d tensor"),
    "gradient-coordinates": Support(True, "coordinate tensors on the input's device"),
    "derivative": Support(True),
    "periodic": Support(True, "non-uniform coordinates need period="),
    "explain": Support(True),
    "out": Support(True, "the result is copied into out (no autograd through out)"),
    "autograd-values": Support(True, "gradcheck and gradgradcheck, real and complex"),
    "autograd-coordinates": Support(True, "weights computed with torch from the coordinates"),
    "torch-compile": Support(True, "graph breaks inside gradkit (fullgraph=True is not supported)"),
    "jax-jit": _NA_JAX,
    "jax-grad-values": _NA_JAX,
    "jax-grad-coordinates": _NA_JAX,
    "jax-vmap": _NA_JAX,
    "half-precision": Support(True, "float16 and bfloat16"),
    "device": _CPU_DEVICE,
}

SUPPORT: dict[str, dict[str, Support]] = {
    "numpy": _NUMPY,
    "numpy-readonly": {
        **_NUMPY,
        "gradient-scalar": Support(True, "inputs are never written to"),
        "out": Support(True, "out must be writeable (a read-only out is a ValueError)"),
    },
    "array-api-strict": {
        **_NUMPY,
        "gradient-scalar": Support(True, "a Python number or a 0-d array"),
        "gradient-coordinates": Support(True, "generic array-API kernel"),
        "out": Support(True, "the result is copied into out"),
        "half-precision": Support(False, "array-api-strict has no half-precision dtypes", applicable=False),
    },
    "torch-cpu": _TORCH,
    "torch-cuda": {**_TORCH, "device": _GPU_DEVICE},
    "jax": {
        **_NUMPY,
        "gradient-scalar": Support(True, "a Python number or a 0-d array"),
        "gradient-coordinates": Support(True),
        "explain": Support(True, "eagerly (explain reads concrete values, not under jax.jit)"),
        "out": Support(False, "JAX arrays are immutable: out= raises TypeError; use the returned arrays"),
        "autograd-values": Support(False, "see jax.grad", applicable=False),
        "autograd-coordinates": Support(False, "see jax.grad", applicable=False),
        "jax-jit": Support(True, "plans are built at trace time; coordinates may be traced arguments"),
        "jax-grad-values": Support(True),
        "jax-grad-coordinates": Support(True, "weights computed with jax.numpy from the coordinates"),
        "jax-vmap": Support(True, "over signals and over coordinate arrays"),
        "half-precision": Support(True, "float16 and bfloat16"),
        "device": Support(True, "the input's device"),
    },
    "cupy": {
        **_NUMPY,
        "gradient-scalar": Support(True, "generic array-API kernel on the GPU"),
        "out": Support(True, "the result is copied into out"),
        "half-precision": Support(True, "float16 (CuPy has no bfloat16)"),
        "device": _GPU_DEVICE,
    },
    "dask": {
        **_NUMPY,
        "gradient-scalar": Support(
            True, "chunked kernel: a halo of the plan's reach per axis, each block by the compiled kernel; "
            "results lazy, bit-identical to NumPy input for any chunking"
        ),
        "gradient-coordinates": Support(True, "NumPy or Dask coordinates (a Dask coordinate is computed once, at the call)"),
        "periodic": Support(True, "periodic halos; non-uniform coordinates need period="),
        "explain": Support(True, "computes only the samples the stencil and its context read"),
        "out": Support(True, "a Dask out becomes the lazy result (Dask's setitem); to fill NumPy or zarr, use dask.array.store"),
        "device": Support(True, "each block stays in its library (NumPy blocks: CPU)"),
    },
}


def entry(backend: str, feature: str) -> Support:
    """The declared support of ``feature`` on ``backend``.

    Parameters
    ----------
    backend : str
        A key of :data:`BACKENDS`.
    feature : str
        A key of :data:`FEATURES`.

    Returns
    -------
    Support

    Raises
    ------
    KeyError
        For an unknown backend or feature (the message lists the known ones).
    """
    if backend not in SUPPORT:
        raise KeyError(f"unknown backend {backend!r}; known: {', '.join(BACKENDS)}")
    if feature not in FEATURES:
        raise KeyError(f"unknown feature {feature!r}; known: {', '.join(FEATURES)}")
    return SUPPORT[backend][feature]


def supports(backend: str, feature: str) -> bool:
    """Whether ``feature`` is declared to work on ``backend``.

    Parameters
    ----------
    backend : str
        A key of :data:`BACKENDS`.
    feature : str
        A key of :data:`FEATURES`.

    Returns
    -------
    bool
    """
    return entry(backend, feature).supported
