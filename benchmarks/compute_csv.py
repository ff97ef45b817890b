"""Time and peak memory of ``gradkit compute`` on a large CSV (not a test).

Writes a CSV of ``--rows`` rows (x non-uniform and increasing, y noisy),
then runs, each in a fresh process so that the peak resident memory of each
is its own (``VmHWM``):

- ``gradkit compute data.csv -o out.csv`` (streamed in blocks);
- ``pandas.read_csv`` + ``numpy.gradient`` + ``DataFrame.to_csv`` (needs pandas);
- parsing alone: ``numpy.loadtxt`` of the two columns (the floor of any
  reader that checks every cell), and formatting alone: ``repr`` of one
  column of float64 (the shortest text that reads back as the same bits).

and checks that gradkit's output column equals ``gradkit.derivative`` on the
whole column and is within rounding of ``numpy.gradient``'s. Usage::

    python benchmarks/compute_csv.py --rows 10000000 --dir /tmp/gk-bench
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

# VmHWM, the process's own high-water mark (ru_maxrss would carry the parent's over fork + exec).
_PEAK = ("import sys; print('PEAK_KIB', next(l.split()[1] for l in open('/proc/self/status') "
         "if l.startswith('VmHWM')), file=sys.stderr)")


def _write_csv(path: Path, rows: int) -> None:
    import numpy as np

    rng = np.random.default_rng(0)
    block = 1_000_000
    start = 0.0
    with open(path, "w") as fh:
        fh.write("x,y\n")
        for a in range(0, rows, block):
            m = min(block, rows - a)
            x = start + np.cumsum(rng.uniform(0.5, 1.5, m)) * 1e-4
            start = float(x[-1])
            y = np.sin(x) + 1e-3 * rng.standard_normal(m)
            fh.write("\n".join(f"{p},{q}" for p, q in zip(map(repr, x.tolist()), map(repr, y.tolist()))) + "\n")


def _run(code: str) -> tuple[float, float]:
    """(seconds, peak MiB) of ``python -c code`` in a fresh process."""
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-c", code + "\n" + _PEAK], capture_output=True, text=True)
    seconds = time.perf_counter() - t
    if p.returncode:
        raise SystemExit(p.stderr)
    kib = next(int(line.split()[1]) for line in p.stderr.splitlines() if line.startswith("PEAK_KIB"))
    return seconds, kib / 1024


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--dir", default="/tmp/gradkit-compute-bench")
    ap.add_argument("--skip-pandas", action="store_true")
    args = ap.parse_args(argv)
    d = Path(args.dir)
    d.mkdir(parents=True, exist_ok=True)
    data = d / f"data_{args.rows}.csv"
    if not data.exists():
        t = time.perf_counter()
        _write_csv(data, args.rows)
        print(f"wrote {data} ({data.stat().st_size / 2**20:.0f} MiB) in {time.perf_counter() - t:.1f} s")
    # Warm-up: numba's compiled kernels are cached on disk after the first call.
    warm = d / "warm.csv"
    warm.write_text("x,y\n" + "".join(f"{k + k * k * 1e-6!r},{k % 7}\n" for k in range(70_000)))
    _run(f"from gradkit.cli import main; main(['compute', {str(warm)!r}, '-o', {str(d / 'warm_out.csv')!r}])")
    results = {}
    out_g = d / "out_gradkit.csv"
    results["gradkit compute"] = _run(textwrap.dedent(f"""
        import sys
        from gradkit.cli import main
        code = main(['compute', {str(data)!r}, '-o', {str(out_g)!r}, '--no-progress'])
        assert code == 0
    """))
    if not args.skip_pandas:
        out_p = d / "out_pandas.csv"
        results["pandas read_csv + numpy.gradient + to_csv"] = _run(textwrap.dedent(f"""
            import numpy as np, pandas as pd
            df = pd.read_csv({str(data)!r})
            df['y_d1'] = np.gradient(df['y'].to_numpy(), df['x'].to_numpy(), edge_order=2)
            df.to_csv({str(out_p)!r}, index=False)
        """))
    results["numpy.loadtxt alone (parse 2 columns)"] = _run(
        f"import numpy as np; a = np.loadtxt({str(data)!r}, delimiter=',', skiprows=1)")
    results["repr of one float64 column alone"] = _run(textwrap.dedent(f"""
        import numpy as np
        y = np.random.default_rng(1).standard_normal({args.rows})
        s = list(map(repr, y.tolist()))
    """))
    check = _run(textwrap.dedent(f"""
        import numpy as np, gradkit
        a = np.loadtxt({str(data)!r}, delimiter=',', skiprows=1)
        g = np.loadtxt({str(out_g)!r}, delimiter=',', skiprows=1, usecols=[2])
        assert np.array_equal(g, gradkit.derivative(a[:, 1], spacing=a[:, 0])), 'not bit-identical'
        np.testing.assert_allclose(g, np.gradient(a[:, 1], a[:, 0], edge_order=2), rtol=1e-9, atol=1e-9)
    """))
    print(f"checked: gradkit's column == gradkit.derivative(whole column), ~ numpy.gradient ({check[0]:.0f} s)")
    print(f"\n{args.rows:,} rows, {data.stat().st_size / 2**20:.0f} MiB of CSV")
    print(f"{'':48s} {'time (s)':>9s} {'peak RSS (MiB)':>15s}")
    for name, (sec, mib) in results.items():
        print(f"{name:48s} {sec:9.1f} {mib:15.0f}")
    (d / "results.json").write_text(json.dumps({k: {"seconds": v[0], "peak_mib": v[1]} for k, v in results.items()},
                                               indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
