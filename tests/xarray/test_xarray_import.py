"""``import gradkit`` never imports xarray; ``import gradkit.xarray`` registers the accessor."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytest.importorskip("xarray")


def _run(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def test_import_gradkit_does_not_import_xarray():
    out = _run(
        "import sys, gradkit, gradkit.compat; import numpy as np; gradkit.derivative(np.arange(5.0));"
        "print('xarray' in sys.modules, 'pandas' in sys.modules)"
    )
    assert out == "False False"


def test_import_gradkit_xarray_registers_the_accessor():
    out = _run(
        "import xarray as xr; print(hasattr(xr.DataArray([1.0]), 'gradkit'));"
        "import gradkit.xarray; print(hasattr(xr.DataArray([1.0]), 'gradkit'), hasattr(xr.Dataset(), 'gradkit'))"
    )
    assert out.split() == ["False", "True", "True"]
