"""Shared fixtures of the xarray tests.

No ``__init__.py`` here on purpose: with one, pytest would import this
folder as a package named ``xarray`` and shadow the real xarray.
"""

from __future__ import annotations

import contextlib

import pytest

pytest.importorskip("xarray")


class ComputeError(AssertionError):
    """Raised when Dask is asked to compute inside ``no_compute()``."""


def _refuse(*args, **kwargs):
    raise ComputeError("a Dask graph was computed where the data must stay lazy")


@pytest.fixture
def no_compute():
    """A context manager in which any Dask compute fails (the laziness contract)."""
    dask = pytest.importorskip("dask")

    @contextlib.contextmanager
    def block():
        with dask.config.set(scheduler=_refuse):
            yield

    return block
