"""docs/xarray.md: every Python block on the page runs as written."""

from __future__ import annotations

import pathlib
import re

import pytest

pytest.importorskip("xarray")

PAGE = pathlib.Path(__file__).resolve().parents[2] / "docs" / "xarray.md"
BLOCKS = re.findall(r"```python\n(.*?)```", PAGE.read_text(), flags=re.S)


@pytest.mark.parametrize("k", range(len(BLOCKS)))
def test_docs_block_runs(k, capsys):
    if "pint_xarray" in BLOCKS[k]:
        pytest.importorskip("pint_xarray")
    exec(compile(BLOCKS[k], f"docs/xarray.md block {k}", "exec"), {"__name__": "docs"})
