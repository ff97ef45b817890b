"""The units of a derivative: ``units`` attribute strings, and pint quantities.

The rule for ``units`` attributes (CF / UDUNITS product syntax, which is
what ``units`` attributes of netCDF data hold):

* the derivative of data in ``U`` by coordinates in ``c1, c2, ...`` with
  orders ``k1, k2, ...`` has units ``U c1-k1 c2-k2 ...``;
* a unit made of simple terms -- names with optional integer exponents
  separated by spaces, like ``K``, ``m s-1``, ``kg m-2 s-1`` -- is merged
  term by term: exponents of equal names add up, terms whose exponent
  becomes 0 disappear, exponent 1 is not written. So ``K`` by ``m`` is
  ``K m-1``; ``m s-1`` by ``s`` is ``m s-2``; ``m`` by ``m`` is ``1``;
* any other unit is written in parentheses (``degrees_east`` is a simple
  name): a coordinate's with its exponent, ``K (km/h)-1``; the data's in
  front, ``(K/m) s-1``;
* datetime and cftime coordinates are in their ``datetime_unit``:
  ``week``, ``day``, ``hour``, ``minute``, ``s``, ``ms``, ``us``, ``ns``,
  ``ps``, ``fs``, ``as``;
* a dim without a coordinate is the positions 0, 1, 2, ...: dimensionless;
* data without a ``units`` attribute give no ``units`` attribute, and a
  coordinate without one makes the derivative's units unknown: the result
  then has no ``units`` attribute (rather than a wrong one).

With pint (pint-xarray's quantified objects, whose data are
``pint.Quantity``), the units are pint's own arithmetic instead: the data's
units divided by each coordinate's units (a pint coordinate's, or its
``units`` attribute read by the data's registry; none means dimensionless)
to the power of its order.
"""

from __future__ import annotations

import re
from typing import Any, Sequence

__all__ = ["DATETIME_UNITS", "derivative_units", "is_quantity", "pint_units"]

#: The unit name of each ``datetime_unit`` code, for ``units`` attributes.
DATETIME_UNITS = {
    "W": "week", "D": "day", "h": "hour", "m": "minute", "s": "s", "ms": "ms",
    "us": "us", "ns": "ns", "ps": "ps", "fs": "fs", "as": "as",
}

#: pint's names for the same units.
_PINT_TIME = {
    "W": "week", "D": "day", "h": "hour", "m": "minute", "s": "second", "ms": "millisecond",
    "us": "microsecond", "ns": "nanosecond", "ps": "picosecond", "fs": "femtosecond", "as": "attosecond",
}

_TERM = re.compile(r"^([A-Za-z_%][A-Za-z_%0-9]*?)(-?\d+)?$")


def _terms(unit: str) -> list[tuple[str, int]] | None:
    """``unit`` as (name, exponent) terms, or None when it is not a plain product."""
    words = unit.split()
    if not words:
        return None
    terms = []
    for word in words:
        m = _TERM.match(word)
        if m is None:
            return None
        terms.append((m.group(1), int(m.group(2)) if m.group(2) else 1))
    return terms


def _render(terms: dict[str, int]) -> str:
    return " ".join(name if k == 1 else f"{name}{k}" for name, k in terms.items() if k != 0)


def derivative_units(data_units: Any, coord_units: Sequence[Any], orders: Sequence[int]) -> str | None:
    """The ``units`` attribute of a derivative, or None when it is unknown.

    ``coord_units`` holds one entry per differentiated coordinate: its unit
    string, ``""`` for a dimensionless grid (positions), or None for a
    coordinate without units.

    Examples
    --------
    >>> from gradkit.xarray.units import derivative_units
    >>> derivative_units("K", ["m"], [1])
    'K m-1'
    >>> derivative_units("m s-1", ["s"], [1]), derivative_units("K", ["m", "m"], [1, 1])
    ('m s-2', 'K m-2')
    >>> derivative_units("K", ["km/h"], [2]), derivative_units("K", [None], [1])
    ('K (km/h)-2', None)
    """
    if data_units is None or not isinstance(data_units, str):
        return None
    if any(u is None or not isinstance(u, str) for u in coord_units):
        return None
    data_terms = [] if data_units.strip() in ("", "1") else _terms(data_units)
    merged: dict[str, int] = {}
    prefix = ""
    if data_terms is None:
        prefix = f"({data_units.strip()})"  # grouped, so that the coordinates' terms divide all of it
    else:
        for name, k in data_terms:
            merged[name] = merged.get(name, 0) + k
    tail = []
    for unit, order in zip(coord_units, orders):
        if order == 0 or unit.strip() in ("", "1"):
            continue
        terms = _terms(unit)
        if terms is None:
            tail.append(f"({unit.strip()})-{order}")
            continue
        for name, k in terms:
            merged[name] = merged.get(name, 0) - k * order
    body = " ".join(part for part in (prefix, _render(merged), " ".join(tail)) if part)
    return body or "1"


def is_quantity(data: Any) -> bool:
    """Whether ``data`` is a pint quantity (without importing pint)."""
    return type(data).__module__.startswith("pint") and hasattr(data, "magnitude") and hasattr(data, "units")


def pint_units(data: Any, coords: Sequence[tuple[Any, Any, Any]], orders: Sequence[int], func: str) -> Any:
    """The pint units of a derivative of the quantity ``data``.

    ``coords`` holds ``(name, coordinate data, attrs-or-datetime_unit)``
    per coordinate: a pint quantity's units are used, else the ``units``
    attribute read by the data's registry, else a datetime unit code
    (``("time", None, ("datetime", "D"))``); nothing means dimensionless.
    """
    registry = data.units._REGISTRY
    units = data.units
    for (name, values, extra), order in zip(coords, orders):
        if is_quantity(values):
            unit = values.units
        elif isinstance(extra, tuple) and extra[0] == "datetime":
            unit = registry.parse_units(_PINT_TIME[extra[1]])
        elif isinstance(extra, dict) and isinstance(extra.get("units"), str):
            try:
                unit = registry.parse_units(extra["units"])
            except Exception as exc:  # pint raises its own UndefinedUnitError/DefinitionSyntaxError
                raise ValueError(
                    f"{func}: cannot read the units {extra['units']!r} of coordinate {name!r} with the data's "
                    f"pint registry ({exc}); quantify the coordinate or fix its units attribute"
                ) from None
        else:
            unit = registry.dimensionless
        units = units / unit**order
    return units
