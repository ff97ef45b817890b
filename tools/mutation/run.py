"""Run mutants of gradkit against per-module test subsets (issue 10 item 8).

Every mutant is written into a private copy of the source tree at
``/tmp/mut/src`` (never into the worktree), the subset of tests for its module
is run with ``PYTHONPATH=/tmp/mut/src`` and the original file is written back
with its original mtime.  Results are appended, one JSON object a line, to
``tools/mutation/results/<run>.jsonl``; rerunning the same command resumes.

    python tools/mutation/run.py baseline            # clean time of each subset
    python tools/mutation/run.py sample  --seed 10 --n 225 > ids.txt
    python tools/mutation/run.py run --run NAME --ids ids.txt
    python tools/mutation/run.py summary --run NAME

See tools/mutation/README.md.
"""
from __future__ import annotations

import argparse
import filecmp
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
import mutate  # noqa: E402

MUT = Path("/tmp/mut")
COPY = MUT / "src"
WARM_CACHE = MUT / "numba_cache"      # numba cache of the unmutated source
PY = os.environ.get("MUT_PYTHON", "/work/main/.venv/bin/python")
RESULTS = HERE / "results"

# Six target modules; kernels/ is one stratum.
def group_of(rel: str) -> str:
    name = rel.removeprefix("src/gradkit/")
    if name.startswith("kernels/"):
        return "kernels"
    if name.startswith("explain/"):
        return "explain"
    return name.removesuffix(".py")

GROUPS = ["stencils", "_args", "kernels", "compat", "explain", "cli"]

# numba (0.68 here) keys its on-disk cache by a *content hash* of the file
# that defines each jitted function (not by mtime), and it does not track
# callees: a function compiled into another file's function (inline="always",
# or a dispatcher called from it) is served from the caller's cache entry.
# The kernels in kernels/_cpu_jit.py inline the stencil layer's
# three_point_weights, fornberg_power and fornberg_recurrence and everything
# in kernels/_fornberg_fixed.py.  So a mutant there must recompile
# _cpu_jit.py: a unique comment is appended to the copied _cpu_jit.py (its
# hash changes, its line numbers do not), which recompiles only the functions
# of _cpu_jit.py (about 160 s on this machine) instead of an empty cache
# (220-250 s).  Mutants of _cpu_jit.py itself change its hash anyway.
# Every mutant runs on a scratch cache, a hard-link copy of the warm cache
# (numba writes through a temporary file and os.replace, so the warm cache is
# never modified): a mutant's recompiled entries are thrown away afterwards.
JIT_FILE = "src/gradkit/kernels/_cpu_jit.py"
JIT_FILES = {JIT_FILE, "src/gradkit/kernels/_fornberg_fixed.py"}
JIT_FUNCS = {"src/gradkit/stencils.py": {"three_point_weights", "fornberg_power", "fornberg_recurrence"}}
SCRATCH = MUT / "numba_scratch"


def _enclosing(rel: str) -> list[tuple[int, int, str]]:
    import ast
    src = (ROOT / rel).read_bytes()
    off = mutate._Offsets(src)
    out = []
    for n in ast.parse(src).body:
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out.append((off(n.lineno, 0), off(n.end_lineno, n.end_col_offset), n.name))
    return out


_ENC: dict = {}


def is_jit(m: mutate.Mutant) -> bool:
    """Whether the mutant changes code that numba compiles into _cpu_jit.py's kernels."""
    if m.file in JIT_FILES:
        return True
    names = JIT_FUNCS.get(m.file)
    if not names:
        return False
    if m.file not in _ENC:
        _ENC[m.file] = _enclosing(m.file)
    return any(a <= m.start < b and name in names for a, b, name in _ENC[m.file])


def fresh_scratch() -> Path:
    shutil.rmtree(SCRATCH, ignore_errors=True)
    shutil.copytree(WARM_CACHE, SCRATCH, copy_function=os.link)
    return SCRATCH


T = "tests/"
BASE = [T + "test_regressions.py", T + "test_errors.py"]
SLOW_RELIABILITY = T + "test_reliability.py::test_high_accuracy_edges_are_refused_with_the_safe_edge_order"
SUBSETS = {
    "stencils": BASE + [T + "test_stencils.py", T + "test_fornberg_lanes.py"],
    "_args": BASE + [T + "test_stencils.py", T + "conformance/test_numpy_errors.py",
                     T + "test_reliability.py", "--deselect", SLOW_RELIABILITY],
    "kernels": BASE + [T + "test_fornberg_lanes.py", T + "test_reliability.py",
                       "--deselect", SLOW_RELIABILITY, T + "upstream/test_numpy_testgradient.py"],
    "compat": BASE + [T + "upstream/test_numpy_testgradient.py", T + "conformance/test_numpy_errors.py",
                      T + "conformance/test_numpy_contract.py", T + "conformance/test_exact_dtypes.py",
                      T + "conformance/test_masked_exact.py"],
    "explain": BASE + [T + "test_explain.py"],
    "cli": BASE + [T + "test_cli.py"],
}
EXTRA = [T + "test_mutation_kills.py"]   # the tests written for the survivors

# --wide: the rest of make test that exercises a file, for re-running the
# survivors of the subsets (a subset is a fast stand-in for make test; a
# mutant that survives it is only a survivor if the wider tests miss it too).
WIDE = {
    "src/gradkit/kernels/chunked.py": [T + "dask"],
    "src/gradkit/kernels/dispatch.py": [T + "dask", T + "backends"],
    "src/gradkit/kernels/generic.py": [T + "backends"],
    "src/gradkit/kernels/_threads.py": [T + "test_processes.py"],
    "src/gradkit/cli.py": [T + "test_cli_compute.py"],
    "src/gradkit/compat.py": [T + "conformance", T + "upstream"],
    "src/gradkit/_args.py": [T + "conformance", T + "properties"],
    "src/gradkit/stencils.py": [T + "properties", T + "test_convergence.py"],
}
WIDE_EXPLAIN = [T + "test_explain_operator.py", T + "test_docs.py", T + "test_cli.py"]


def wide_args(file: str) -> list[str]:
    return WIDE_EXPLAIN if file.startswith("src/gradkit/explain") else WIDE.get(file, [])


def subset_args(group: str, extra: bool) -> list[str]:
    args = list(SUBSETS[group])
    if extra and (ROOT / EXTRA[0]).exists():
        args = EXTRA + args   # first: with -x a kill by the new tests is quick
    return args


def env_for(cache: Path) -> dict:
    env = dict(os.environ)
    env.update(PYTHONPATH=str(COPY), NUMBA_CACHE_DIR=str(cache), PYTHONDONTWRITEBYTECODE="1",
               MPLBACKEND="Agg")
    return env


def ensure_copy() -> None:
    """/tmp/mut/src is a copy of the worktree's src/; repair any file that differs."""
    if not COPY.exists():
        MUT.mkdir(parents=True, exist_ok=True)
        shutil.copytree(ROOT / "src", COPY, ignore=shutil.ignore_patterns("__pycache__"))
    for rel in mutate.TARGETS:
        a, b = ROOT / rel, COPY / rel.removeprefix("src/")
        if not filecmp.cmp(a, b, shallow=False):
            shutil.copy2(a, b)


def check_import_path() -> None:
    code = "import gradkit, gradkit.kernels.cpu as k; print(gradkit.__file__); print(k.__file__)"
    out = subprocess.run([PY, "-c", code], cwd=ROOT, env=env_for(WARM_CACHE), capture_output=True,
                         text=True, check=True).stdout.split()
    assert all(p.startswith(str(COPY) + "/") for p in out), out


def pytest_cmd(args: list[str]) -> list[str]:
    return ["nice", "-n", "10", PY, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *args]


def run_pytest(args: list[str], cache: Path, timeout: float) -> tuple[str, int | None, float, str]:
    t0 = time.monotonic()
    p = subprocess.Popen(pytest_cmd(args), cwd=ROOT, env=env_for(cache), stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, start_new_session=True)
    try:
        out, _ = p.communicate(timeout=timeout)
        rc = p.returncode
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, _ = p.communicate()
        return "timeout", None, time.monotonic() - t0, out.decode(errors="replace")[-2000:]
    dt = time.monotonic() - t0
    text = out.decode(errors="replace")
    if rc == 0:
        return "survived", rc, dt, text[-300:]
    if rc == 5:
        return "error", rc, dt, text[-2000:]    # nothing collected: a broken subset, not a kill
    return "killed", rc, dt, text[-600:]       # failing test, or an import/collection error


def canary() -> None:
    """A mutant that must be killed: proves the copy, not the editable install, is tested."""
    init = COPY / "gradkit/__init__.py"
    orig, st = init.read_bytes(), init.stat()
    try:
        init.write_bytes(b"raise ImportError('mutation canary')\n" + orig)
        outcome, rc, _, _ = run_pytest([T + "test_errors.py"], WARM_CACHE, 300)
    finally:
        init.write_bytes(orig)
        os.utime(init, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert outcome == "killed", ("canary survived: tests do not import /tmp/mut/src", outcome, rc)


def bump_jit_file(tag: str) -> tuple[Path, bytes, os.stat_result]:
    """Append a comment naming ``tag`` to the copied _cpu_jit.py; return what restores it."""
    dst = COPY / JIT_FILE.removeprefix("src/")
    orig, st = dst.read_bytes(), dst.stat()
    dst.write_bytes(orig + f"\n# mutant {tag}: recompile\n".encode())
    return dst, orig, st


def restore(dst: Path, orig: bytes, st: os.stat_result) -> None:
    dst.write_bytes(orig)
    os.utime(dst, ns=(st.st_atime_ns, st.st_mtime_ns))


CANARY_JIT = "src/gradkit/stencils.py:375:40:binop:0"   # three_point_weights: (hr - hl) -> (hr + hl)


def canary_jit(ns) -> None:
    """The jit canary: a mutant of a function that is only compiled *into*
    _cpu_jit.py's kernels, run on the kernels subset (a) on the warm scratch
    cache without recompiling _cpu_jit.py (a stale cache may hide it) and
    (b) as the campaign runs it (hash of _cpu_jit.py changed): (b) must kill."""
    ensure_copy()
    check_import_path()
    m = {x.id: x for x in mutate.enumerate_file(CANARY_JIT.split(":")[0])}[CANARY_JIT]
    dst = COPY / m.file.removeprefix("src/")
    orig, st = dst.read_bytes(), dst.stat()
    res = {"id": m.id, "old": m.old.decode(), "new": m.new.decode()}
    for kind in ("stale", "recompiled"):
        saved = None
        try:
            dst.write_bytes(m.apply(orig))
            if kind == "recompiled":
                saved = bump_jit_file(m.id)
            outcome, rc, dt, tail = run_pytest(subset_args("kernels", False), fresh_scratch(), 900)
        finally:
            restore(dst, orig, st)
            if saved:
                restore(*saved)
        print(kind, outcome, f"{dt:.1f}s", tail.strip().splitlines()[-1] if tail.strip() else "", flush=True)
        res[kind] = dict(outcome=outcome, rc=rc, seconds=round(dt, 1), tail=tail[-1500:])
    (RESULTS / "canary_jit.json").write_text(json.dumps(res, indent=1) + "\n")
    assert res["recompiled"]["outcome"] == "killed", res


def baseline(ns) -> None:
    """Clean time of each subset on the warm cache, or (--jit) on a scratch
    cache with _cpu_jit.py's hash changed: the clean time of a jit mutant."""
    ensure_copy()
    check_import_path()
    out = {}
    for g in ns.groups or GROUPS:
        if ns.jit:
            saved = bump_jit_file("baseline")
            try:
                outcome, rc, dt, tail = run_pytest(subset_args(g, ns.extra), fresh_scratch(), 1800)
            finally:
                restore(*saved)
            kind = "jit"
        else:
            outcome, rc, dt, tail = run_pytest(subset_args(g, ns.extra), WARM_CACHE, 1800)
            kind = "warm"
        print(g, kind, outcome, rc, f"{dt:.1f}s", tail.strip().splitlines()[-1], flush=True)
        assert outcome == "survived", tail
        out[f"{g}:{kind}"] = round(dt, 1)
    path = RESULTS / "baseline.json"
    old = json.loads(path.read_text()) if path.exists() else {}
    old.update(out)
    RESULTS.mkdir(exist_ok=True)
    path.write_text(json.dumps(old, indent=1, sort_keys=True) + "\n")


def draw(seed: int, n: int, floor: int = 20) -> list[mutate.Mutant]:
    """Stratified sample: proportional to each group's mutant count (largest
    remainder), at least ``floor`` per group, fixed seed, deterministic."""
    by = defaultdict(list)
    for m in mutate.enumerate_all():
        by[group_of(m.file)].append(m)
    total = sum(len(v) for v in by.values())
    quota = {g: max(floor, int(n * len(by[g]) / total)) for g in GROUPS}
    rest = sorted(GROUPS, key=lambda g: -(n * len(by[g]) / total % 1))
    i = 0
    while sum(quota.values()) < n:
        quota[rest[i % len(rest)]] += 1
        i += 1
    rng = random.Random(seed)
    out = []
    for g in GROUPS:
        out.extend(sorted(rng.sample(by[g], min(quota[g], len(by[g]))), key=lambda m: (m.file, m.start)))
    return out


def draw_quota(seed: int, quota: dict, jit_quota: dict) -> list[mutate.Mutant]:
    """Stratified sample with fixed per-group sizes; within stencils and
    kernels the numba-compiled mutants (is_jit) are a separate stratum of
    size jit_quota[g] (they cost ~170 s each, so they are under-sampled)."""
    by = defaultdict(list)
    for m in mutate.enumerate_all():
        by[group_of(m.file)].append(m)
    rng = random.Random(seed)
    out = []
    for g in GROUPS:
        jit = [m for m in by[g] if is_jit(m)]
        plain = [m for m in by[g] if not is_jit(m)]
        k = jit_quota.get(g, 0)
        pick = rng.sample(jit, min(k, len(jit))) + rng.sample(plain, min(quota[g] - k, len(plain)))
        out.extend(sorted(pick, key=lambda m: (m.file, m.start)))
    return out


def _pairs(text: str) -> dict:
    return {k: int(v) for k, v in (p.split("=") for p in text.split(",") if p)}


def sample(ns) -> None:
    if ns.quota:
        ms = draw_quota(ns.seed, _pairs(ns.quota), _pairs(ns.jit or ""))
        # round-robin over groups, jit mutants first, so that every group is
        # covered if the campaign has to stop early
        by = defaultdict(list)
        for m in ms:
            by[group_of(m.file)].append(m)
        for g in by:
            by[g].sort(key=lambda m: not is_jit(m))
        order = []
        while any(by.values()):
            for g in GROUPS:
                if by[g]:
                    order.append(by[g].pop(0))
        ms = order
    else:
        ms = draw(ns.seed, ns.n)
    for m in ms:
        print(m.id, "jit" if is_jit(m) else "")


def done_ids(path: Path) -> set[str]:
    if not path.exists():
        return set()
    return {json.loads(l)["id"] for l in path.read_text().splitlines() if l.strip()}


def run(ns) -> None:
    ensure_copy()
    check_import_path()
    canary()
    base = json.loads((RESULTS / "baseline.json").read_text())
    wanted = [l.split()[0] for l in Path(ns.ids).read_text().splitlines() if l.strip()]
    index = {m.id: m for m in mutate.enumerate_all()}
    out_path = RESULTS / f"{ns.run}.jsonl"
    done = done_ids(out_path)
    todo = [index[i] for i in wanted if i not in done]
    print(f"{len(todo)} to run, {len(done)} done", flush=True)
    for k, m in enumerate(todo):
        g = group_of(m.file)
        dst = COPY / m.file.removeprefix("src/")
        orig = (ROOT / m.file).read_bytes()
        st = dst.stat()
        jit = is_jit(m)
        clean = base[f"{g}:warm"] + (base["kernels:jit"] - base["kernels:warm"] if jit else 0.0)
        timeout = ns.factor * clean
        more = wide_args(m.file) if ns.wide else []
        if more:
            timeout += 1200.0   # the wider tests' time is not in the baseline
        try:
            compile(m.apply(orig), m.file, "exec")
        except SyntaxError:
            # would be "killed" by the import error: not a real mutant
            with out_path.open("a") as f:
                f.write(json.dumps(dict(id=m.id, group=g, file=m.file, line=m.line, old=m.old.decode(),
                                        new=m.new.decode(), outcome="invalid", rc=None, seconds=0)) + "\n")
            continue
        saved = None
        try:
            dst.write_bytes(m.apply(orig))
            now = time.time()
            os.utime(dst, (now, max(now, st.st_mtime + 2)))   # never the original stamp
            if jit and m.file != JIT_FILE:
                saved = bump_jit_file(m.id)
            outcome, rc, dt, tail = run_pytest(subset_args(g, ns.extra) + more, fresh_scratch(), timeout)
        finally:
            dst.write_bytes(orig)
            os.utime(dst, ns=(st.st_atime_ns, st.st_mtime_ns))
            if saved:
                restore(*saved)
        rec = dict(id=m.id, group=g, file=m.file, line=m.line, old=m.old.decode(), new=m.new.decode(),
                   outcome=outcome, rc=rc, seconds=round(dt, 1), timeout=round(timeout, 1), jit=jit,
                   extra=bool(ns.extra), wide=bool(ns.wide), tail=tail if outcome != "killed" else tail[-300:])
        with out_path.open("a") as f:
            f.write(json.dumps(rec) + "\n")
        print(f"[{k + 1}/{len(todo)}] {outcome:8s} {dt:6.1f}s {m.id} {m.old.decode()!r}->{m.new.decode()!r}",
              flush=True)
    ensure_copy()


def summary(ns) -> None:
    recs = {}
    for name in ns.run:
        for l in (RESULTS / f"{name}.jsonl").read_text().splitlines():
            r = json.loads(l)
            recs[r["id"]] = r          # later runs override earlier ones
    c = Counter((r["group"], r["outcome"]) for r in recs.values())
    for g in GROUPS:
        print(g, {o: c[(g, o)] for o in ("killed", "timeout", "survived", "error", "invalid")})
    for r in recs.values():
        if r["outcome"] in ("survived", "error"):
            print(r["outcome"], r["id"], repr(r["old"]), "->", repr(r["new"]))


def main() -> None:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("baseline")
    b.add_argument("groups", nargs="*")
    b.add_argument("--jit", action="store_true", help="time with _cpu_jit.py's hash changed")
    b.add_argument("--extra", action="store_true", help="add tests/test_mutation_kills.py to every subset")
    s = sub.add_parser("sample")
    s.add_argument("--seed", type=int, default=10)
    s.add_argument("--n", type=int, default=225)
    s.add_argument("--quota", help="per-group sizes, e.g. stencils=22,_args=22,...")
    s.add_argument("--jit", help="how many of each group's quota are numba-compiled mutants, e.g. kernels=5")
    r = sub.add_parser("run")
    r.add_argument("--run", required=True)
    r.add_argument("--ids", required=True)
    r.add_argument("--factor", type=float, default=3.0)
    r.add_argument("--extra", action="store_true", help="add tests/test_mutation_kills.py to every subset")
    r.add_argument("--wide", action="store_true", help="add the wider tests of the mutated file (WIDE)")
    sub.add_parser("canary-jit")
    m = sub.add_parser("summary")
    m.add_argument("--run", nargs="+", required=True)
    ns = ap.parse_args()
    {"baseline": baseline, "sample": sample, "run": run, "summary": summary, "canary-jit": canary_jit}[ns.cmd](ns)


if __name__ == "__main__":
    main()
