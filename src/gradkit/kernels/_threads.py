"""Which numba threading layer the parallel kernels run on, chosen on purpose.

numba picks a threading layer once per process, when its first
``parallel=True`` function is compiled or loaded from cache. Left to itself
on Linux it takes GNU OpenMP, which is not fork-safe: a child forked after a
parallel call is killed (``Terminating: fork() called from a process already
using GNU OpenMP``) as soon as it runs a parallel loop, which hangs a
``multiprocessing.Pool`` and Dask's process schedulers; OpenMP's threads also
ran slower here once torch's own OpenMP runtime had run (at times 2x on a
1e7-point gradient; TBB was not slowed). The
``workqueue`` layer is fork-safe but not thread-safe (numba aborts the
process when two threads launch parallel loops at once).

The rule, applied just before gradkit's first parallel kernel runs:

1. A layer the user chose stands: ``NUMBA_THREADING_LAYER`` (or
   ``NUMBA_THREADING_LAYER_PRIORITY``) in the environment, a
   ``numba.config.THREADING_LAYER`` other than ``"default"`` set in code, or
   numba's threads already started by other code.
2. Otherwise TBB (the ``tbb`` package, a gradkit dependency), which is
   fork-safe and thread-safe. pip puts ``libtbb.so.12`` in the environment's
   ``lib/`` folder, where the loader does not look, so it is loaded here by
   its full path first (this also lets a user's own ``NUMBA_THREADING_LAYER=tbb``
   work in a virtual environment).
3. Otherwise (no usable libtbb) ``workqueue``, never OpenMP.

Whatever the layer, gradkit guards its own calls so that they never abort,
hang or kill a child (results are the same either way, the serial kernels
just use one core):

- ``workqueue``: one thread at a time runs a parallel kernel; a thread that
  finds one running takes the serial kernel instead.
- In a forked child, the serial kernels are used for good (also in its own
  children) when the parent's layer cannot be trusted there:

  * OpenMP (a user's choice of ``omp``);
  * one of gradkit's parallel kernels running in another thread at the fork;
  * TBB, unless the fork came from the thread that started it and no other
    thread has run a parallel kernel: only then does numba shut TBB down
    before the fork, so that the child starts it afresh (otherwise numba
    prints ``Unable to join threads to shut down before fork()``, and the
    child can wait forever on a TBB lock held by a thread it does not have:
    seen in 1 of 60 forks taken while another thread ran kernels);
  * numba still starting its threads in another thread.

  (Parallel numba code of the user's own, in other threads, is not seen.)
- If the layer cannot be started at all (a user's choice that is not
  installed), a warning says so and the serial kernels are used.

:func:`kernels` wraps the compiled module (``_cpu_jit``) once, when
:mod:`.cpu` first loads it; the wrapper has the module's attributes, with
each ``parallel=True`` kernel ``name_parallel`` routed as above (its serial
twin is ``name_serial``).
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
import warnings
from types import ModuleType
from typing import Callable

__all__ = ["kernels", "threading_layer", "find_libtbb"]

_TBB_SONAME = {"win32": "tbb12.dll", "darwin": "libtbb.12.dylib"}.get(sys.platform, "libtbb.so.12")
_TBB_MIN_INTERFACE = 12060  # numba's minimum (TBB 2021.6)


def find_libtbb() -> str | None:
    """Load a TBB runtime numba can use; return how it was found, or None.

    Tries the loader's own search first (conda, the system, LD_LIBRARY_PATH),
    then the files of the installed ``tbb`` distribution and ``<prefix>/lib``.
    """
    candidates = [_TBB_SONAME]
    try:
        from importlib.metadata import PackageNotFoundError, files

        try:
            candidates += [str(p.locate()) for p in files("tbb") or () if p.name == _TBB_SONAME]
        except PackageNotFoundError:
            pass
    except ImportError:  # pragma: no cover
        pass
    for prefix in dict.fromkeys((sys.prefix, sys.base_prefix)):
        candidates += [os.path.join(prefix, "lib", _TBB_SONAME), os.path.join(prefix, "Library", "bin", _TBB_SONAME)]
    for name in candidates:
        if name != _TBB_SONAME and not os.path.exists(name):
            continue
        try:
            lib = ctypes.CDLL(name, mode=getattr(ctypes, "RTLD_GLOBAL", 0))
            version = lib.TBB_runtime_interface_version
            version.restype = ctypes.c_int
            if version() < _TBB_MIN_INTERFACE:
                continue
        except (OSError, AttributeError):
            continue
        try:
            from numba.np.ufunc import tbbpool  # noqa: F401  (numba's TBB layer)
        except ImportError:
            return None
        return name
    return None


def _user_choice() -> bool:
    from numba import config

    return (
        "NUMBA_THREADING_LAYER" in os.environ
        or "NUMBA_THREADING_LAYER_PRIORITY" in os.environ
        or str(config.THREADING_LAYER).lower() != "default"
    )


class _Kernels:
    """The compiled module's attributes, with parallel kernels routed (see module doc)."""

    def __init__(self, module: ModuleType):
        self._module = module
        # The module's names, copied (no __getattr__: it would slow every lookup).
        self.__dict__.update({k: v for k, v in vars(module).items() if not k.startswith("__")})
        self._parallel = {
            name: obj
            for name, obj in vars(module).items()
            if callable(obj) and getattr(obj, "targetoptions", {}).get("parallel")
        }
        self._serial_cache: dict[str, Callable] = {}
        self._start_lock = threading.Lock()
        self._started = False
        self.layer: str | None = None
        self._starter: int | None = None  # the thread that started the layer
        self._count_lock = threading.Lock()
        self._inflight = 0  # parallel kernels running now (any thread)
        self._users: set[int] = set()  # threads that ran one
        self._busy = threading.Lock()  # workqueue: one parallel launch at a time
        self._fork_state: tuple[int, bool, bool, bool] | None = None
        self._serial_only = False  # set for good in a child whose layer is unusable
        for name in self._parallel:
            setattr(self, name, self._first_call(name))
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(before=self._before_fork, after_in_child=self._after_fork_in_child)

    # -- routing -------------------------------------------------------------
    def _serial(self, name: str) -> Callable:
        fn = self._serial_cache.get(name)
        if fn is None:
            twin = name[: -len("parallel")] + "serial" if name.endswith("parallel") else None
            fn = getattr(self._module, twin, None) if twin else None
            if fn is None:  # no serial twin: the same loop compiled without threads
                import numba

                fn = numba.njit(nogil=True)(self._parallel[name].py_func)
            self._serial_cache[name] = fn
        return fn

    def _first_call(self, name: str) -> Callable:
        def first(*args):
            self._start()
            return getattr(self, name)(*args)

        first.__name__ = name
        return first

    def _counted(self, name: str) -> Callable:
        """The parallel kernel, counted while it runs (a fork then knows)."""
        parallel = self._parallel[name]

        def counted(*args):
            ident = threading.get_ident()
            with self._count_lock:
                self._inflight += 1
                self._users.add(ident)
            try:
                return parallel(*args)
            finally:
                with self._count_lock:
                    self._inflight -= 1

        counted.__name__ = name
        return counted

    def _one_at_a_time(self, name: str) -> Callable:
        """workqueue: the parallel kernel if no other thread runs one, else the serial one."""
        parallel, serial = self._parallel[name], self._serial(name)

        def one_at_a_time(*args):
            busy = self._busy
            if busy.acquire(blocking=False):
                try:
                    return parallel(*args)
                finally:
                    busy.release()
            return serial(*args)

        one_at_a_time.__name__ = name
        return one_at_a_time

    def _route(self) -> None:
        for name in self._parallel:
            if self.layer is None or self._serial_only:
                fn = self._serial(name)
            elif self.layer == "workqueue":
                fn = self._one_at_a_time(name)
            else:
                fn = self._counted(name)
            setattr(self, name, fn)

    # -- choosing and starting the layer -----------------------------------------
    def _start(self) -> None:
        with self._start_lock:
            if self._started:
                return
            from numba import config
            from numba.np.ufunc import parallel

            started_here = not parallel._is_initialized
            if started_here:
                found = find_libtbb()  # also lets a user's own "tbb" load in a venv
                if not _user_choice():
                    config.THREADING_LAYER = "tbb" if found else "workqueue"
            try:
                parallel._launch_threads()
                self.layer = parallel.threading_layer()
            except Exception as exc:  # the user's layer is not available
                warnings.warn(
                    f"numba's threading layer could not be started ({exc}); gradkit runs its serial kernels",
                    RuntimeWarning,
                    stacklevel=4,
                )
                self.layer = None
            # TBB carries its state over a fork only from the thread that started it.
            self._starter = threading.get_ident() if started_here else threading.main_thread().ident
            self._route()
            self._started = True

    def _before_fork(self) -> None:
        me = threading.get_ident()
        starting = not self._started and self._start_lock.locked()  # another thread in _start
        self._fork_state = (me, self._inflight > 0 or self._busy.locked(), bool(self._users - {me}), starting)

    def _after_fork_in_child(self) -> None:
        # A parent thread may have held these; the child has no such thread.
        self._start_lock = threading.Lock()
        self._count_lock = threading.Lock()
        self._busy = threading.Lock()
        self._inflight = 0
        self._users = set()
        forked_by, in_flight, other_users, starting = self._fork_state or (None, True, True, True)
        if not self._started:
            if starting:  # numba's own start-up locks may be held: never start here
                self._serial_only = self._started = True
                self._route()
            return
        if (
            self.layer == "omp"  # GNU OpenMP kills a forked child that runs a parallel loop
            or in_flight  # the layer's locks may be held by a thread the child lacks
            # numba shuts TBB down before a fork (so that the child starts it
            # afresh) only when the forking thread started it and no other
            # thread has used it; otherwise its locks may be held in the child.
            or (self.layer == "tbb" and (forked_by != self._starter or other_users))
        ):
            self._serial_only = True  # and in the child's own children
        self._starter = threading.get_ident()
        self._route()


_wrapped: _Kernels | None = None


def kernels(module: ModuleType) -> _Kernels:
    """The compiled kernels of ``module`` with gradkit's threading rule applied."""
    global _wrapped
    if _wrapped is None or _wrapped._module is not module:
        _wrapped = _Kernels(module)
    return _wrapped


def threading_layer() -> str | None:
    """The layer gradkit's parallel kernels run on (None before the first one ran,
    or when none could be started and the serial kernels are used)."""
    return _wrapped.layer if _wrapped is not None else None
