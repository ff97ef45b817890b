"""The published artefacts: the sdist and the wheel build from the source tree,
hold what they should, and the wheel installs into a fresh virtual environment
where the seed example and the ``gradkit`` command run.

Everything runs offline and quickly: ``python -m build --no-isolation`` uses
the test environment's setuptools (no download of a build environment), the
wheel is built from the sdist (so a file missing from the sdist fails here),
and the fresh venv has no pip and no packages of its own: a ``.pth`` file
lends it this environment's site-packages for numpy, numba and pip, whose
``.pth`` files (the editable install of gradkit among them) it does not run,
so ``import gradkit`` there can only find the installed wheel.

The fresh install has an empty numba cache, and compiling the kernels for a
first call takes far longer than the rest of this test (tens of seconds on
a 2-core machine), so the example runs there on the generic kernel
(``GRADKIT_DISABLE_JIT=1``) and the compiled kernel's module is only
imported; the rest of the suite runs the compiled kernels from the same
sources. Set ``GRADKIT_TEST_WHEEL_JIT=1`` to run the example compiled too.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import tarfile
import textwrap
import venv
import zipfile
from pathlib import Path

import pytest

import gradkit

pytestmark = pytest.mark.packaging

ROOT = Path(__file__).resolve().parent.parent
NAME = f"gradkit-{gradkit.__version__}"


def _run(args, cwd, env=None, timeout=120):
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{args} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def _clean_env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "PIP_"))}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


@pytest.fixture(scope="module")
def dists(tmp_path_factory):
    pytest.importorskip("build")
    pytest.importorskip("setuptools")
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
         cwd=out, env=_clean_env(), timeout=300)
    sdist = out / f"{NAME}.tar.gz"
    wheel = out / f"{NAME}-py3-none-any.whl"
    assert sdist.exists() and wheel.exists(), sorted(p.name for p in out.iterdir())
    return sdist, wheel


def test_wheel_contents(dists):
    _, wheel = dists
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        metadata = zf.read(f"{NAME}.dist-info/METADATA").decode()
        entry_points = zf.read(f"{NAME}.dist-info/entry_points.txt").decode()
    assert "gradkit/py.typed" in names
    assert "gradkit/__init__.py" in names and "gradkit/xarray/__init__.py" in names
    assert "gradkit/kernels/cpu.py" in names
    assert any(n.startswith(f"{NAME}.dist-info/licenses/") and n.endswith("LICENSE") for n in names), names
    # only the package: no tests, docs, benchmarks or build leftovers
    tops = {n.split("/")[0] for n in names}
    assert tops == {"gradkit", f"{NAME}.dist-info"}, tops
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc") or "/tests/" in n]
    # the metadata a package index shows
    assert "License-Expression: BSD-3-Clause" in metadata
    assert "Project-URL: Source, https://github.com/gradkit/gradkit" in metadata
    assert "Classifier: Typing :: Typed" in metadata
    for extra in ("torch", "plot", "xarray", "cli", "matrix", "dask", "parquet", "docs", "all"):
        assert f"Provides-Extra: {extra}" in metadata, extra
    assert "Requires-Dist: pyarrow>=14; extra == \"parquet\"" in metadata
    assert "gradkit = gradkit.cli:main" in entry_points
    assert "## Install" in metadata  # the README is the long description


def test_sdist_contents(dists):
    sdist, _ = dists
    with tarfile.open(sdist) as tf:
        names = {n.split("/", 1)[1] for n in tf.getnames() if "/" in n}
    for path in ("LICENSE", "README.md", "CHANGELOG.md", "pyproject.toml", "src/gradkit/py.typed",
                 "src/gradkit/__init__.py", "src/gradkit/kernels/_cpu_jit.py"):
        assert path in names, path


def test_wheel_installs_and_runs(dists, tmp_path):
    _, wheel = dists
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False, symlinks=os.name != "nt").create(env_dir)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                     cwd=tmp_path).strip())
    # numpy, numba, tbb and pip from this environment, after the venv's own packages
    (site / "_parent_env.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = _clean_env()
    if os.environ.get("GRADKIT_TEST_WHEEL_JIT", "") in ("", "0"):
        env["GRADKIT_DISABLE_JIT"] = "1"
    _run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", str(wheel)],
         cwd=tmp_path, env=env)

    seed = textwrap.dedent(
        """
        import pathlib, sys
        import numpy as np
        import gradkit
        from gradkit.compat import numpy_gradient
        here = pathlib.Path(gradkit.__file__).resolve()
        assert here.is_relative_to(pathlib.Path(sys.prefix).resolve()), here
        assert (here.parent / "py.typed").exists()
        import gradkit.kernels._cpu_jit  # numba and the compiled kernels' module load
        x = np.array([-2., -1., 1., 4.])
        print(gradkit.gradient(x**2, spacing=(x,)))
        print(numpy_gradient(x**2, x))
        print(gradkit.__version__)
        """
    )
    out = _run([str(python), "-c", seed], cwd=tmp_path, env=env)
    assert out.splitlines() == ["(array([-3., -2.,  2.,  5.]),)", "[-3. -2.  2.  5.]", gradkit.__version__]

    gradkit_cmd = bindir / ("gradkit.exe" if os.name == "nt" else "gradkit")
    assert _run([str(gradkit_cmd), "--version"], cwd=tmp_path, env=env).strip() == f"gradkit {gradkit.__version__}"
    explained = _run([str(gradkit_cmd), "explain", "4", "1", "1", "16", "--coords", "-2", "-1", "1", "4",
                      "--at", "1", "--format", "json"], cwd=tmp_path, env=env)
    assert '"result": -1.9999999999999998' in explained
    assert _run([str(python), "-m", "gradkit", "--version"], cwd=tmp_path, env=env).strip().endswith(
        gradkit.__version__
    )
