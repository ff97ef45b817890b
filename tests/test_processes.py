"""Processes and threads around the parallel compiled kernels (issue 10, item 1).

numba's default threading layer on Linux, GNU OpenMP, kills a child forked
after a parallel call (``Terminating: fork() called from a process already
using GNU OpenMP``), which hangs a fork ``multiprocessing.Pool``; its
``workqueue`` layer aborts the process when two threads launch parallel loops
at once. gradkit chooses the layer itself (see ``gradkit.kernels._threads``).
Every test here runs kernels on the parallel path (>= 65,536 elements),
compares with serial results (numpy.gradient, which gradkit matches bit for
bit), and has a timeout, so that a hang fails instead of blocking.
"""

import multiprocessing
import os
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest

import gradkit
from gradkit.kernels import dispatch

pytestmark = [
    pytest.mark.skipif(not dispatch.compiled_available(), reason="the compiled NumPy kernels are switched off"),
    # Python 3.12+ warns about fork() in a process with threads (the layer's own).
    pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning"),
    # JAX (imported by other tests) warns on every fork; these children never touch it.
    pytest.mark.filterwarnings("ignore:os.fork\\(\\) was called:RuntimeWarning"),
]

needs_fork = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="no fork start method here"
)

TIMEOUT = 30  # seconds; a healthy run takes well under 2
FORK_SAFE = {"tbb", "workqueue"}  # the layers gradkit may choose


def _data():
    rng = np.random.default_rng(10)
    f = rng.random(300_000)  # 1-D line
    g = rng.random((600, 500))  # 2-D, both axes
    x = np.cumsum(rng.uniform(0.5, 1.5, 300_000))  # coordinates: per-point weights
    return f, g, x


def _compute(_=None):
    """Results of three parallel kernels, and the threading layer afterwards."""
    import numba

    f, g, x = _data()
    results = (
        gradkit.gradient(f)[0],
        gradkit.derivative(g, axis=0),
        gradkit.derivative(f, spacing=x, accuracy=4),
        gradkit.gradient(g, axis=1)[0],
    )
    return results, numba.threading_layer()


def _expected():
    f, g, x = _data()
    return (
        np.gradient(f),
        np.gradient(g, axis=0, edge_order=2),
        None,  # accuracy=4 on coordinates: numpy has no such stencil (parent's result used)
        np.gradient(g, axis=1),
    )


def _check(results, reference):
    for got, want, parent in zip(results, _expected(), reference):
        assert np.array_equal(got, parent)
        if want is not None:
            assert np.array_equal(got, want)


@pytest.fixture(scope="module")
def reference():
    """The parent's results: also runs the parallel kernels in this process first."""
    results, layer = _compute()
    for got, want in zip(results, _expected()):
        if want is not None:
            assert np.array_equal(got, want)
    return results, layer


def _child(conn):
    conn.send(_compute())
    conn.close()


def test_layer_is_fork_safe(reference):
    if "NUMBA_THREADING_LAYER" not in os.environ:
        assert reference[1] in FORK_SAFE


@needs_fork
def test_fork_process_after_parallel_call(reference):
    ctx = multiprocessing.get_context("fork")
    here, there = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(there,))
    proc.start()
    there.close()
    try:
        assert here.poll(TIMEOUT), "the forked child sent nothing back"
        results, _ = here.recv()
        proc.join(TIMEOUT)
        assert proc.exitcode == 0
    finally:
        if proc.is_alive():
            proc.kill()
            proc.join()
    _check(results, reference[0])


@needs_fork
def test_os_fork_after_parallel_call(reference):
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: exit code 0 only if its results are right
        ok = False
        try:
            results, _ = _compute()
            _check(results, reference[0])
            ok = True
        finally:
            os._exit(0 if ok else 1)
    os.close(write)
    try:
        import select

        ready, _, _ = select.select([read], [], [], TIMEOUT)
        assert ready, "the forked child did not finish"
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
    finally:
        os.close(read)
        try:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


@pytest.mark.parametrize("method", [pytest.param("fork", marks=needs_fork), "spawn"])
def test_pool(reference, method):
    with multiprocessing.get_context(method).Pool(2) as pool:
        try:
            answers = pool.map_async(_compute, range(4)).get(timeout=TIMEOUT)
        except multiprocessing.TimeoutError:
            pytest.fail(f"a {method} Pool did not finish its tasks")
    for results, layer in answers:
        _check(results, reference[0])
        if method == "spawn" and "NUMBA_THREADING_LAYER" not in os.environ:
            assert layer in FORK_SAFE  # a fresh process chooses the same way


def test_threads_concurrently(reference):
    threads, errors, barrier = 8, [], threading.Barrier(8)

    def work():
        try:
            barrier.wait(TIMEOUT)
            for _ in range(5):
                _check(_compute()[0], reference[0])
        except BaseException as exc:  # reported below
            errors.append(exc)

    pool = [threading.Thread(target=work, daemon=True) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(TIMEOUT)
    assert not any(t.is_alive() for t in pool), "a thread did not finish"
    assert not errors, errors[0]


# Each threading layer a user may choose (and the fallback when no TBB runtime
# can be loaded), in a fresh interpreter: 8 threads at once, then a fork
# child and a fork Pool. The script exits 0 only if everything came back equal.
_SCRIPT = textwrap.dedent(
    """
    import multiprocessing, os, sys, threading
    if os.environ.get("GRADKIT_TEST_NO_TBB"):
        from gradkit.kernels import _threads
        _threads.find_libtbb = lambda: None
    sys.path.insert(0, {here!r})
    import test_processes as t

    reference = t._compute()[0]
    errors = []
    def work():
        try:
            for _ in range(3):
                t._check(t._compute()[0], reference)
        except BaseException as exc:
            errors.append(exc)
    threads = [threading.Thread(target=work, daemon=True) for _ in range(8)]
    [th.start() for th in threads]
    [th.join(60) for th in threads]
    assert not errors and not any(th.is_alive() for th in threads), errors
    if "fork" in multiprocessing.get_all_start_methods():
        with multiprocessing.get_context("fork").Pool(2) as pool:
            for results, _ in pool.map_async(t._compute, range(4)).get(timeout=60):
                t._check(results, reference)
    import numba
    print("layer", numba.threading_layer())
    """
)


def _tbb_installed():
    from importlib.metadata import PackageNotFoundError, version

    try:
        return bool(version("tbb"))
    except PackageNotFoundError:
        return False


@pytest.mark.parametrize(
    "layer",
    [
        "workqueue",
        "omp",
        pytest.param("tbb", marks=pytest.mark.skipif(not _tbb_installed(), reason="tbb is not installed")),
        "no-tbb",
    ],
)
def test_threads_then_fork_with_each_layer(layer):
    env = dict(os.environ)
    env.pop("NUMBA_THREADING_LAYER", None)
    if layer == "no-tbb":
        env["GRADKIT_TEST_NO_TBB"] = "1"
    else:
        env["NUMBA_THREADING_LAYER"] = layer
    script = _SCRIPT.format(here=os.path.dirname(os.path.abspath(__file__)))
    try:
        done = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=TIMEOUT * 2
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"hung with the {layer} layer")
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[-1] == ("workqueue" if layer == "no-tbb" else layer)


def test_unavailable_layer_warns_and_runs_serial():
    """A layer the user asks for that cannot be loaded: a warning, then serial kernels."""
    script = textwrap.dedent(
        """
        import warnings, numpy as np
        from gradkit.kernels import _threads
        _threads.find_libtbb = lambda: None  # as if no TBB runtime were installed
        import gradkit
        f = np.random.default_rng(0).random(300_000)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert np.array_equal(gradkit.gradient(f)[0], np.gradient(f))
        assert any("serial kernels" in str(w.message) for w in caught), caught
        assert _threads.threading_layer() is None
        print("ok")
        """
    )
    env = dict(os.environ, NUMBA_THREADING_LAYER="tbb")
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=TIMEOUT * 2)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[-1] == "ok"
