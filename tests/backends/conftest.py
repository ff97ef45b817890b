"""The backend matrix: one ``xp`` fixture over every array library gradkit supports.

``xp`` is an :class:`ArrayBackend`: it converts NumPy arrays into the
library's arrays (on its device) and back, knows the library's dtypes and
default float, and reads what :mod:`gradkit.backends` declares for it. The
CPU backends always run (NumPy, read-only NumPy, array-api-strict, PyTorch,
JAX with 64-bit floats enabled); PyTorch on CUDA and CuPy run where a CUDA
GPU is present and skip with the reason otherwise.

Results are compared with the same call on NumPy arrays using the tolerance
rule of ``tests/conformance/conftest.py`` (``atol = rtol * max|f| * W``, W
the largest sum of absolute weights over the points of an axis); W is read
off the operator's matrix, the NumPy result for the columns of an identity
(it only scales the tolerance, never the expected values).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import pytest

import gradkit
from gradkit import backends as decl

# The conformance helpers (tests/ is on sys.path under pytest's default import mode).
from conformance.conftest import assert_close, atol_for, rtol_for  # noqa: F401  (re-exported)

try:  # JAX in 64-bit mode, once, before any JAX array is made.
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)
except ImportError:  # pragma: no cover - jax is in the test extra
    jax = jnp = None

try:
    import torch
except ImportError:  # pragma: no cover - torch is in the test extra
    torch = None

try:
    import array_api_strict
except ImportError:  # pragma: no cover - array-api-strict is in the test extra
    array_api_strict = None

try:
    import dask.array as dask_array
except ImportError:  # pragma: no cover - dask is in the test extra
    dask_array = None


def dask_chunks(shape: tuple[int, ...]) -> tuple[tuple[int, ...], ...]:
    """Uneven chunks for the Dask backend: about a third of each axis, the
    last chunk shorter (a chunk of 1 where the axis allows)."""
    out = []
    for n in shape:
        size = max(1, -(-n // 3))
        chunks = [size] * (n // size) + ([n % size] if n % size else [])
        if n > 2 and chunks[-1] != 1:
            chunks[-1] -= 1
            chunks.append(1)
        out.append(tuple(chunks) if n else (0,))
    return tuple(out)


def _cupy() -> tuple[Any, str]:
    """The cupy module and "" when it can run here, else None and the reason."""
    try:
        cupy = importlib.import_module("cupy")
    except ImportError:
        return None, "cupy is not installed"
    try:
        if cupy.cuda.runtime.getDeviceCount() < 1:
            return None, "cupy is installed but there is no CUDA GPU on this machine"
    except Exception as exc:  # no driver, no device
        return None, f"cupy is installed but no CUDA GPU is usable ({type(exc).__name__}: {exc})"
    return cupy, ""


#: dtype names the tests use, in NumPy spelling.
FLOAT_NAMES = ("float16", "bfloat16", "float32", "float64")
COMPLEX_NAMES = ("complex64", "complex128")


def dtype_name(dtype: Any) -> str:
    """``'float64'`` for numpy.float64, torch.float64, jnp.float64, array_api_strict.float64, ..."""
    return str(dtype).rsplit(".", 1)[-1]


def real_bits(name: str) -> int:
    """Bits of the real part of a floating/complex dtype name."""
    return {"float16": 16, "bfloat16": 16, "float32": 32, "float64": 64, "complex64": 32, "complex128": 64}[name]


def rtol_of(name: str) -> float:
    """1e-12 for 64-bit, 1e-5 for 32-bit results (the conformance suite's rule)."""
    return rtol_for(np.float64 if real_bits(name) == 64 else np.float32)


@dataclass
class ArrayBackend:
    """One array library (and device) under test; the value of the ``xp`` fixture.

    Attributes
    ----------
    name : str
        Key of :data:`gradkit.backends.BACKENDS`.
    module : module
        The library's array namespace (numpy, torch, jax.numpy, array_api_strict, cupy).
    device : Any
        The device arrays are made on (None: the library's default).
    """

    name: str
    module: Any
    device: Any = None
    _own_type: Any = field(default=None, repr=False)

    # ------------------------------------------------------------------ dtypes
    def has_dtype(self, name: str) -> bool:
        """Whether the library has the dtype ``name``."""
        try:
            self.dtype(name)
        except (AttributeError, TypeError):
            return False
        return True

    def dtype(self, name: str) -> Any:
        """The library's dtype called ``name`` (AttributeError/TypeError when it has none)."""
        if self.name in ("numpy", "numpy-readonly", "cupy", "dask"):
            if name == "bfloat16":
                raise TypeError(f"{self.name} has no bfloat16")
            return np.dtype(name)
        if self.name == "jax":
            return jnp.dtype(name)
        return getattr(self.module, name)

    def default_float(self) -> str:
        """Name of the float dtype integer input becomes (the library's default)."""
        if self.name.startswith("torch"):
            return dtype_name(torch.get_default_dtype())
        if self.name == "jax":
            return dtype_name(jnp.zeros(()).dtype.name)
        if self.name == "array-api-strict":
            return dtype_name(array_api_strict.__array_namespace_info__().default_dtypes()["real floating"])
        return "float64"

    def expected_dtype(self, input_name: str) -> str:
        """The result dtype gradkit promises for input of dtype ``input_name``."""
        if input_name.startswith(("int", "uint")):
            return self.default_float()
        return input_name

    # ------------------------------------------------------------------ arrays
    def asarray(self, a: Any, dtype: str | None = None) -> Any:
        """A new array of this library holding ``a`` (NumPy or nested lists), optionally cast.

        bfloat16 arrays are made from float32 values (NumPy has no bfloat16).
        """
        a = np.array(a)  # a copy: nothing the test keeps aliases the input
        name = dtype or dtype_name(a.dtype)
        if self.name in ("numpy", "numpy-readonly"):
            out = a.astype(name)
            if self.name == "numpy-readonly":
                out.flags.writeable = False
            return out
        if self.name.startswith("torch"):
            if name == "bfloat16":
                t = torch.from_numpy(a.astype(np.float32)).to(torch.bfloat16)
            else:
                t = torch.from_numpy(a.astype(name))
            return t.to(self.device)
        if self.name == "jax":
            return jnp.asarray(a.astype(np.float32) if name == "bfloat16" else a, dtype=jnp.dtype(name))
        if self.name == "array-api-strict":
            return array_api_strict.asarray(a.astype(name))
        if self.name == "cupy":
            return self.module.asarray(a.astype(name))
        if self.name == "dask":
            return dask_array.from_array(a.astype(name), chunks=dask_chunks(a.shape))
        raise AssertionError(self.name)

    def to_numpy(self, x: Any) -> np.ndarray:
        """A NumPy copy of ``x`` (half precision widened to float32)."""
        if self.name.startswith("torch"):
            x = x.detach().cpu().resolve_conj()
            if x.dtype in (torch.bfloat16, torch.float16):
                x = x.to(torch.float32)
            return x.numpy().copy()
        if self.name == "cupy":
            return x.get()
        if self.name == "array-api-strict":
            return np.from_dlpack(x).copy()
        if self.name == "dask":
            x = x.compute(scheduler="sync")
        out = np.array(x)
        if dtype_name(out.dtype) in ("bfloat16", "float16"):
            out = out.astype(np.float32)
        return out

    def is_own(self, x: Any) -> bool:
        """Whether ``x`` is an array of this library (not a NumPy array in disguise)."""
        if self.name in ("numpy", "numpy-readonly"):
            return type(x) is np.ndarray
        if self.name.startswith("torch"):
            return isinstance(x, torch.Tensor)
        if self.name == "jax":
            return isinstance(x, jax.Array)
        if self.name == "array-api-strict":
            return isinstance(x, type(array_api_strict.asarray(0)))
        if self.name == "cupy":
            return isinstance(x, self.module.ndarray)
        if self.name == "dask":
            return isinstance(x, dask_array.Array)
        raise AssertionError(self.name)

    def device_of(self, x: Any) -> Any:
        """The device of ``x`` as the array API defines it."""
        import array_api_compat

        return array_api_compat.device(x)

    # ------------------------------------------------------------ declaration
    def declared(self, feature: str) -> decl.Support:
        """What :mod:`gradkit.backends` says about ``feature`` here."""
        return decl.entry(self.name, feature)

    def supports(self, feature: str) -> bool:
        return self.declared(feature).supported


def assert_result(backend: ArrayBackend, result: Any, like: Any, dtype: str) -> None:
    """``result`` is an array of ``backend``'s library, on ``like``'s device, of dtype ``dtype``.

    Parameters
    ----------
    backend : ArrayBackend
    result : array
        What gradkit returned.
    like : array
        The input it was computed from.
    dtype : str
        The expected dtype name (``'float32'``, ``'complex128'``, ...).
    """
    assert backend.is_own(result), f"{backend.name}: result is a {type(result).__module__}.{type(result).__name__}"
    assert backend.device_of(result) == backend.device_of(like), (
        f"{backend.name}: result on {backend.device_of(result)}, input on {backend.device_of(like)}"
    )
    assert dtype_name(result.dtype) == dtype, f"{backend.name}: result dtype {result.dtype}, expected {dtype}"
    assert result.dtype == backend.dtype(dtype)
    assert tuple(result.shape) == tuple(like.shape)


class _Unsupported:
    def __repr__(self) -> str:
        return "UNSUPPORTED"


#: Returned by :func:`run_declared` when the feature is declared unsupported (and refused).
UNSUPPORTED = _Unsupported()


def run_declared(backend: ArrayBackend, feature: str, call: Callable[[], Any]) -> Any:
    """Run ``call`` as the declaration says ``feature`` behaves on ``backend``.

    Supported: return its result. Declared unsupported: assert that it fails
    with a ``TypeError`` or ``ValueError`` whose message names gradkit's entry
    point, and return :data:`UNSUPPORTED`. Not applicable: skip the test.
    """
    entry = backend.declared(feature)
    if not entry.applicable:
        pytest.skip(f"{feature!r} does not apply to {backend.name}: {entry.note}")
    if entry.supported:
        return call()
    with pytest.raises((TypeError, ValueError)) as info:
        call()
    message = str(info.value)
    assert any(name in message for name in ("gradient", "derivative", "explain")), message
    return UNSUPPORTED


def weight_bound(n: int, order: int, spacing: Any, **kw: Any) -> float:
    """Largest sum of |weights| over the points of an axis of ``n`` samples.

    Read off the operator's matrix: the NumPy derivative of the identity
    along axis 0 has the weights of output ``i`` in row ``i``. ``spacing`` is
    the NumPy step or coordinates; ``kw`` the scheme (accuracy, edge_order
    resolved to a number, boundary, period).
    """
    if order == 0:
        return 1.0
    m = gradkit.derivative(np.eye(n), order, axis=0, spacing=spacing, **kw)
    return float(np.abs(m).sum(axis=1).max())


# ---------------------------------------------------------------------------
# The fixture
# ---------------------------------------------------------------------------
def _backend_params() -> list[Any]:
    params = [pytest.param(ArrayBackend("numpy", np), id="numpy"),
              pytest.param(ArrayBackend("numpy-readonly", np), id="numpy-readonly")]

    def missing(name: str, why: str) -> Any:
        return pytest.param(None, id=name, marks=pytest.mark.skip(reason=f"{name}: {why}"))

    if array_api_strict is not None:
        params.append(pytest.param(ArrayBackend("array-api-strict", array_api_strict), id="array-api-strict"))
    else:
        params.append(missing("array-api-strict", "array-api-strict is not installed"))
    if torch is not None:
        params.append(pytest.param(ArrayBackend("torch-cpu", torch, torch.device("cpu")), id="torch-cpu"))
    else:
        params.append(missing("torch-cpu", "torch is not installed"))
    if jax is not None:
        params.append(pytest.param(ArrayBackend("jax", jnp), id="jax"))
    else:
        params.append(missing("jax", "jax is not installed"))
    if torch is not None and torch.cuda.is_available():
        params.append(pytest.param(ArrayBackend("torch-cuda", torch, torch.device("cuda")), id="torch-cuda"))
    else:
        why = "torch is not installed" if torch is None else "no CUDA GPU (torch.cuda.is_available() is False)"
        params.append(missing("torch-cuda", why))
    if dask_array is not None:
        params.append(pytest.param(ArrayBackend("dask", dask_array), id="dask"))
    else:
        params.append(missing("dask", "dask is not installed"))
    cupy, why = _cupy()
    if cupy is not None:
        params.append(pytest.param(ArrayBackend("cupy", cupy), id="cupy"))
    else:
        params.append(missing("cupy", why))
    return params


BACKEND_PARAMS = _backend_params()


@pytest.fixture(params=BACKEND_PARAMS)
def xp(request: pytest.FixtureRequest) -> ArrayBackend:
    """Each array library in turn (GPU ones skip without a GPU)."""
    return request.param
