"""Benchmarks: gradkit against numpy.gradient, torch.gradient, jax and findiff.

Everything is timed in one process, side by side, with a warm-up call and
the best of several repetitions, next to a memory-copy floor: ``np.copyto``
of the input into each output array, the least memory traffic any gradient
needs (read the input, write every output). Run it with ``make bench``,
``gradkit bench`` or ``python benchmarks/run_benchmarks.py``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

__all__ = ["main", "run"]


@dataclass
class Case:
    name: str
    array: np.ndarray
    n_outputs: int
    gradkit: Callable[[], Any]
    others: dict[str, Callable[[], Any]] = field(default_factory=dict)
    repeat: int = 5
    #: The same gradkit call writing into preallocated outputs (out=).
    gradkit_out: Callable[[], Any] | None = None


def _best(fn: Callable[[], Any], repeat: int) -> float:
    fn()  # warm-up: compilation, plan building, caches
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _optional(name: str):
    try:
        return __import__(name)
    except ImportError:
        return None


def _cases(quick: bool) -> list[Case]:
    import gradkit

    torch = _optional("torch")
    jax = _optional("jax")
    findiff = _optional("findiff")
    if jax is not None:
        import jax.numpy as jnp

        jax.config.update("jax_enable_x64", True)
        jgrad = jax.jit(jnp.gradient, static_argnames=("axis",))
    rng = np.random.default_rng(0)
    scale = 10 if quick else 1
    n1 = 10**7 // scale
    side2 = 4096 // int(np.sqrt(scale))
    side3 = 256 // (2 if quick else 1)

    f1 = rng.random(n1)
    x1 = np.cumsum(rng.random(n1) + 0.5)
    f2 = rng.random((side2, side2))
    f3 = rng.random((side3, side3, side3)).astype(np.float32)
    o1 = (np.empty_like(f1),)
    o2 = (np.empty_like(f2), np.empty_like(f2))
    o3 = tuple(np.empty_like(f3) for _ in range(3))
    small = rng.random(1000)
    xs = np.cumsum(rng.random(1000) + 0.5)

    # Other libraries' arrays are made on their first (warm-up) call, so that
    # nothing of theirs exists while gradkit is being timed.
    def with_torch(arr, **kw):
        if torch is None:
            return {}

        @_lazy
        def args():
            spacing = kw.get("spacing")
            if isinstance(spacing, tuple):
                kw["spacing"] = tuple(torch.from_numpy(c) for c in spacing)
            return torch.from_numpy(arr), kw

        return {"torch": lambda: torch.gradient(args()[0], **args()[1])}

    def with_jax(arr, *varargs, **kw):
        if jax is None:
            return {}

        @_lazy
        def args():
            return jnp.asarray(arr), [jnp.asarray(v) if isinstance(v, np.ndarray) else v for v in varargs]

        return {"jax.jit": lambda: [r.block_until_ready() for r in _as_list(jgrad(args()[0], *args()[1], **kw))]}

    def with_findiff(arr, axis, h, acc):
        if findiff is None:
            return {}
        try:
            op = findiff.Diff(axis, h, acc=acc)
        except Exception:
            return {}
        return {"findiff": lambda: op(arr)}

    cases = [
        Case(
            f"1-D {n1:.0e} float64, scalar spacing",
            f1, 1,
            lambda: gradkit.gradient(f1),
            {"numpy": lambda: np.gradient(f1), **with_torch(f1), **with_jax(f1), **with_findiff(f1, 0, 1.0, 2)},
            gradkit_out=lambda: gradkit.gradient(f1, out=o1),
        ),
        Case(
            f"1-D {n1:.0e} float64, coordinates, edge_order=1",
            f1, 1,
            lambda: gradkit.gradient(f1, spacing=(x1,)),
            {"numpy": lambda: np.gradient(f1, x1), **with_torch(f1, spacing=(x1,)), **with_jax(f1, x1)},
            gradkit_out=lambda: gradkit.gradient(f1, spacing=(x1,), out=o1),
        ),
        Case(
            f"1-D {n1:.0e} float64, coordinates, edge_order=2",
            f1, 1,
            lambda: gradkit.gradient(f1, spacing=(x1,), edge_order=2),
            {"numpy": lambda: np.gradient(f1, x1, edge_order=2), **with_torch(f1, spacing=(x1,), edge_order=2)},
            gradkit_out=lambda: gradkit.gradient(f1, spacing=(x1,), edge_order=2, out=o1),
        ),
        Case(
            f"2-D {side2}x{side2} float64, all axes",
            f2, 2,
            lambda: gradkit.gradient(f2),
            {"numpy": lambda: np.gradient(f2), **with_torch(f2), **with_jax(f2)},
            gradkit_out=lambda: gradkit.gradient(f2, out=o2),
        ),
        Case(
            f"3-D {side3}^3 float32, all axes",
            f3, 3,
            lambda: gradkit.gradient(f3),
            {"numpy": lambda: np.gradient(f3), **with_torch(f3), **with_jax(f3)},
            gradkit_out=lambda: gradkit.gradient(f3, out=o3),
        ),
        Case(
            f"1-D {n1:.0e} float64, coordinates, accuracy=4",
            f1, 1,
            lambda: gradkit.derivative(f1, spacing=x1, accuracy=4),
            {},
            gradkit_out=lambda: gradkit.derivative(f1, spacing=x1, accuracy=4, out=o1[0]),
        ),
        Case(
            "1-D 1e3 float64, scalar spacing (per-call overhead)",
            small, 1,
            lambda: gradkit.gradient(small),
            {"numpy": lambda: np.gradient(small), **with_torch(small), **with_jax(small)},
            repeat=200,
        ),
        Case(
            "1-D 1e3 float64, coordinates (per-call overhead)",
            small, 1,
            lambda: gradkit.gradient(small, spacing=(xs,)),
            {"numpy": lambda: np.gradient(small, xs), **with_torch(small, spacing=(xs,))},
            repeat=200,
        ),
    ]
    if torch is not None and torch.cuda.is_available():
        cases.append(_cuda_case(torch, gradkit, side2))
    return cases


def _cuda_case(torch, gradkit, side: int) -> Case:
    """gradkit against torch.gradient on a CUDA tensor (both synchronised)."""
    g = torch.rand((side, side), device="cuda")

    def timed(fn):
        def run():
            out = fn()
            torch.cuda.synchronize()
            return out

        return run

    return Case(
        f"2-D {side}x{side} float32 on CUDA, all axes",
        np.empty((side, side), np.float32),  # the copy floor is measured on the host
        2,
        timed(lambda: gradkit.gradient(g)),
        {"torch": timed(lambda: torch.gradient(g))},
    )


def _dask_cases(quick: bool) -> list[dict]:
    """Chunked cases: gradkit against dask.array.gradient on the same Dask
    array (same chunks, Dask's threaded scheduler with one thread per core
    for both), each result stored into preallocated NumPy arrays, next to
    in-memory gradkit on the same data; with the number of tasks each graph
    adds to the input's."""
    try:
        import dask
        import dask.array as da
    except ImportError:
        return []
    import gradkit

    rng = np.random.default_rng(0)
    side, chunk3 = (256, 64) if quick else (512, 128)
    n1, chunk1 = (10**7, 10**6) if quick else (10**8, 10**7)
    f3 = rng.random((side, side, side), dtype=np.float32)
    f1 = rng.random(n1)
    cases = [
        (f"3-D {side}^3 float32 in {chunk3}^3 chunks, all axes", f3, chunk3),
        (f"1-D {n1:.0e} float64 in {chunk1:.0e} chunks", f1, chunk1),
    ]
    rows = []
    for name, f, chunk in cases:
        lazy = da.from_array(f, chunks=chunk)
        outs = [np.empty_like(f) for _ in range(f.ndim)]
        base = set(dict(lazy.__dask_graph__()))

        def tasks(results):
            keys = set()
            for r in results:
                keys |= set(dict(r.__dask_graph__()))
            return len(keys - base)

        def as_list(r):
            return list(r) if isinstance(r, (list, tuple)) else [r]

        with dask.config.set(scheduler="threads", num_workers=os.cpu_count()):
            ours = _best(lambda: da.store(list(gradkit.gradient(lazy)), outs, lock=False), 3)
            theirs = _best(lambda: da.store(as_list(da.gradient(lazy)), outs, lock=False), 3)
        rows.append({
            "case": name,
            "gradkit_s": ours,
            "dask_s": theirs,
            "in_memory_s": _best(lambda: gradkit.gradient(f), 3),
            "gradkit_tasks": tasks(gradkit.gradient(lazy)),
            "dask_tasks": tasks(as_list(da.gradient(lazy))),
        })
        del outs
        r = rows[-1]
        print(
            f"{name:<55} gradkit {ours * 1e3:8.1f} ms  dask.array.gradient {theirs / ours:4.2f}x  "
            f"vs in-memory {ours / r['in_memory_s']:4.2f}  tasks {r['gradkit_tasks']} vs {r['dask_tasks']}",
            flush=True,
        )
    return rows


def _dask_markdown(rows: list[dict], note: str = "") -> list[str]:
    if not rows:
        return []
    lines = [
        "",
        "Dask arrays (`gradkit.gradient` on a `dask.array.Array` against `dask.array.gradient` on the same "
        "array: same chunks, Dask's threaded scheduler with one thread per core, results stored into "
        "preallocated NumPy arrays; tasks: what each graph adds to the input's; in-memory: gradkit on the "
        "NumPy array, in the same run)."
        + (f" {note}" if note else ""),
        "",
        "| case | gradkit | dask.array.gradient (× gradkit) | in-memory gradkit | gradkit / in-memory | tasks, gradkit | tasks, dask |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['case']} | {_t(r['gradkit_s'])} | {_t(r['dask_s'])} ({r['dask_s'] / r['gradkit_s']:.1f}×) | "
            f"{_t(r['in_memory_s'])} | {r['gradkit_s'] / r['in_memory_s']:.2f} | {r['gradkit_tasks']} | {r['dask_tasks']} |"
        )
    return lines


def _lazy(make):
    """``make`` called once, on first use."""
    made = []

    def get():
        if not made:
            made.append(make())
        return made[0]

    return get


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _copy_floor(case: Case) -> float:
    outs = [np.empty_like(case.array) for _ in range(case.n_outputs)]

    def copy():
        for o in outs:
            np.copyto(o, case.array)

    return _best(copy, case.repeat)


def _subprocess_seconds(code: str, env: dict | None = None) -> float:
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    return float(out.stdout.strip().splitlines()[-1])


def _startup_rows() -> list[dict]:
    rows = []
    t_import = min(
        _subprocess_seconds("import time; t = time.perf_counter(); import gradkit; print(time.perf_counter() - t)")
        for _ in range(3)
    )
    rows.append({"case": "import gradkit", "gradkit_s": t_import})
    first_call = (
        "import numpy as np, gradkit, time; f = np.random.rand(1000); "
        "t = time.perf_counter(); gradkit.gradient(f); print(time.perf_counter() - t)"
    )
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        cold = _subprocess_seconds(first_call, env)
        warm = _subprocess_seconds(first_call, env)
    rows.append({"case": "first call, empty compile cache", "gradkit_s": cold})
    rows.append({"case": "first call in a new process, cache filled", "gradkit_s": warm})
    return rows


def run(quick: bool = False) -> dict:
    """Time every case and return the results as a JSON-ready dict."""
    cases = _cases(quick)
    # gradkit and the copy floor first, for every case, then the other
    # libraries: numba's OpenMP threads run measurably slower once torch's
    # own OpenMP runtime has run in the same process (see README).
    results = []
    for case in cases:
        row = {"case": case.name, "gradkit_s": _best(case.gradkit, case.repeat), "copy_s": _copy_floor(case)}
        if case.gradkit_out is not None:
            row["gradkit_out_s"] = _best(case.gradkit_out, case.repeat)
        results.append(row)
    for case, row in zip(cases, results):
        for name, fn in case.others.items():
            try:
                row[f"{name}_s"] = _best(fn, case.repeat)
            except Exception as exc:  # a library that cannot do this case
                row[f"{name}_s"] = None
                row[f"{name}_error"] = f"{type(exc).__name__}: {exc}"[:200]
        print(_format_row(row), flush=True)
    chunked = _dask_cases(quick)
    from . import bench_operators

    operators = bench_operators.rows(quick)
    from . import bench_noisy

    noisy = bench_noisy.rows(quick)
    startup = _startup_rows()
    for row in startup:
        print(f"{row['case']:<55} {row['gradkit_s'] * 1e3:9.1f} ms", flush=True)
    return {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.processor() or platform.system()}",
        "python": platform.python_version(),
        "numpy": np.__version__,
        "date": datetime.date.today().isoformat(),
        "quick": quick,
        "cases": results,
        "dask": chunked,
        "operators": operators,
        "noisy": noisy,
        "startup": startup,
    }


_LIBS = ("numpy", "torch", "jax.jit", "findiff")


def _format_row(row: dict) -> str:
    parts = [f"{row['case']:<55}", f"gradkit {row['gradkit_s'] * 1e3:8.2f} ms"]
    for lib in _LIBS:
        t = row.get(f"{lib}_s")
        if t is not None:
            parts.append(f"{lib} {t / row['gradkit_s']:5.1f}x")
    parts.append(f"vs copy {row['gradkit_s'] / row['copy_s']:4.2f}")
    if row.get("gradkit_out_s"):
        parts.append(f"out= vs copy {row['gradkit_out_s'] / row['copy_s']:4.2f}")
    return "  ".join(parts)


def _t(seconds: float) -> str:
    return f"{seconds * 1e6:.1f} µs" if seconds < 1e-3 else f"{seconds * 1e3:.2f} ms"


def to_markdown(report: dict) -> str:
    """The results as a Markdown table: times in ms, and each library's time over gradkit's."""
    head = (
        "| case | gradkit | gradkit, out= | copy floor | gradkit / copy | out= / copy | "
        + " | ".join(f"{lib} (× gradkit)" for lib in _LIBS)
        + " |"
    )
    sep = "|" + "---|" * (6 + len(_LIBS))
    lines = [
        f"Measured {report['date']} on {report['machine']}, Python {report['python']}, "
        f"numpy {report['numpy']}; best of several runs in one process, after a warm-up call. "
        "The copy floor is `np.copyto` of the input into each output (preallocated); "
        "`out=` is gradkit writing into preallocated outputs too. Ratios in the library "
        "columns are that library's time over gradkit's (higher: gradkit is faster).",
        "",
        head,
        sep,
    ]
    for row in report["cases"]:
        t_out = row.get("gradkit_out_s")
        cells = [
            row["case"],
            _t(row["gradkit_s"]),
            _t(t_out) if t_out else "—",
            _t(row["copy_s"]),
            f"{row['gradkit_s'] / row['copy_s']:.2f}",
            f"{t_out / row['copy_s']:.2f}" if t_out else "—",
        ]
        for lib in _LIBS:
            t = row.get(f"{lib}_s")
            cells.append(f"{_t(t)} ({t / row['gradkit_s']:.1f}×)" if t else "—")
        lines.append("| " + " | ".join(cells) + " |")
    lines += _dask_markdown(report.get("dask", []), report.get("dask_note", ""))
    from . import bench_operators

    lines += bench_operators.markdown(report.get("operators", []))
    from . import bench_noisy

    lines += bench_noisy.markdown(report.get("noisy", []))
    lines.append("")
    lines.append("| start-up | time |")
    lines.append("|---|---|")
    for row in report["startup"]:
        lines.append(f"| {row['case']} | {row['gradkit_s'] * 1e3:.0f} ms |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="gradkit bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10x smaller arrays (a smoke test)")
    parser.add_argument("--output-dir", default=None, help="write results.json and results.md here")
    args = parser.parse_args(argv)
    report = run(quick=args.quick)
    if args.output_dir:
        os.makedirs(args.output_dir, exist_ok=True)
        with open(os.path.join(args.output_dir, "results.json"), "w") as fh:
            json.dump(report, fh, indent=2)
        with open(os.path.join(args.output_dir, "results.md"), "w") as fh:
            fh.write(to_markdown(report))
        print(f"wrote {args.output_dir}/results.json and results.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
