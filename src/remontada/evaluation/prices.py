"""Bookmakers' prices as decimal odds: decimal, fractional and American, one value or arrays of them.

A bookmaker quotes a *decimal price* ``o`` (a winning stake of 1 returns ``o``, the
stake included). British books write the same price as a fraction of the winnings
to the stake (``"5/2"``, ``"evens"``) and American ones as the winnings on a stake of
100 (``"+150"``) or the stake that wins 100 (``"-200"``). Everything downstream works
on decimal odds; taking the margin out of a market's prices is
:mod:`remontada.evaluation.margins`.
"""

from __future__ import annotations

import math
from typing import Literal, overload

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from remontada.errors import DataError

__all__ = ["SHOWN", "Errors", "FloatArray", "OddsFormat", "ReasonArray", "check_errors", "decimal_odds", "parse_price"]

FloatArray = NDArray[np.float64]
ReasonArray = NDArray[np.object_]
OddsFormat = Literal["auto", "decimal", "fractional", "american"]
Errors = Literal["raise", "mask"]

_FORMATS = ("auto", "decimal", "fractional", "american")
_EVENS = frozenset({"evens", "evs", "even", "evn"})
_MISSING_TEXT = frozenset({"", "nan", "na", "n/a"})
SHOWN = 10
"""Bad entries named in one error message."""


def parse_price(value: object, format: OddsFormat = "auto") -> float:
    """One price as decimal odds.

    Parameters
    ----------
    value
        A number or a text: decimal (``2.5``, ``"2.50"``), fractional (``"5/2"``,
        ``"evens"``/``"evs"``) or American (``"+150"``, ``"-200"``).
    format
        ``"auto"`` (the default) reads a number or an unsigned numeric text as
        decimal, a text with ``/`` as fractional and a text with a leading ``+`` or
        ``-`` as American. Otherwise the value is read in the format named; a plain
        number given as fractional is the fraction's value (``4`` is 4/1), and
        ``"evens"`` is 2.0 in every format.

    Returns
    -------
    float
        Decimal odds, always greater than 1.

    Raises
    ------
    DataError
        Naming the value and why it is not a price: missing, not a number, decimal
        odds of 1.0 or less, a fraction over zero or a negative one, American odds
        strictly between -100 and +100.

    Notes
    -----
    Fractional ``a/b`` pays ``a`` for a stake of ``b``, so its decimal price is
    ``1 + a/b``. American ``+x`` pays ``x`` for a stake of 100 (``1 + x/100``) and
    ``-x`` needs a stake of ``x`` to win 100 (``1 + 100/x``); ``+100`` and ``-100``
    are both evens.
    """
    _check_format(format)
    price, reason = _parse_one(value, format)
    if reason:
        raise DataError(f"price {value!r}: {reason}")
    return price


@overload
def decimal_odds(values: ArrayLike, format: OddsFormat = ..., *, errors: Literal["raise"] = ...) -> FloatArray: ...


@overload
def decimal_odds(
    values: ArrayLike, format: OddsFormat = ..., *, errors: Literal["mask"]
) -> tuple[FloatArray, ReasonArray]: ...


def decimal_odds(
    values: ArrayLike, format: OddsFormat = "auto", *, errors: Errors = "raise"
) -> FloatArray | tuple[FloatArray, ReasonArray]:
    """Many prices as decimal odds, any shape, read as :func:`parse_price` reads one.

    Parameters
    ----------
    values
        An array, list or Series of numbers or texts (a table of prices keeps its
        shape).
    format
        As for :func:`parse_price`.
    errors
        ``"raise"`` (the default) raises :class:`DataError` naming the bad entries
        (position, value, reason). ``"mask"`` returns the prices with NaN where an
        entry is bad, and a same-shaped array of reasons, ``""`` where the entry is
        good, so that callers keep the good rows and count the bad ones.

    Returns
    -------
    numpy.ndarray or (numpy.ndarray, numpy.ndarray)
        Decimal odds; with ``errors="mask"`` also the reasons (an object array of
        ``str``).

    Examples
    --------
    >>> decimal_odds(["2.50", "5/2", "+150", "evs"]).tolist()
    [2.5, 3.5, 2.5, 2.0]
    >>> prices, reasons = decimal_odds(["2.1", "5/0", ""], errors="mask")
    >>> int((reasons != "").sum())
    2
    """
    _check_format(format)
    check_errors(errors)
    raw = np.asarray(values)
    flat = raw.reshape(-1)
    if flat.dtype.kind in "fiu":
        prices, bad = _numeric_prices(flat.astype(np.float64), format)
        reasons: ReasonArray = np.full(flat.shape, "", dtype=object)
        for i in np.nonzero(bad)[0]:
            reasons[i] = _parse_one(flat[i].item(), format)[1]
    else:
        prices = np.empty(flat.shape, dtype=np.float64)
        reasons = np.empty(flat.shape, dtype=object)
        for position, value in enumerate(flat):
            prices[position], reasons[position] = _parse_one(value, format)
        bad = reasons != ""
    if errors == "mask":
        return prices.reshape(raw.shape), reasons.reshape(raw.shape)
    if bad.any():
        where = np.nonzero(bad)[0]
        named = "; ".join(f"{_position(i, raw.shape)} {_item(flat[i])!r}: {reasons[i]}" for i in where[:SHOWN])
        more = f"; and {len(where) - SHOWN} more" if len(where) > SHOWN else ""
        raise DataError(f"{len(where)} bad price(s): {named}{more}")
    return prices.reshape(raw.shape)


def _item(value: object) -> object:
    return value.item() if isinstance(value, np.generic) else value


def _position(flat_index: int, shape: tuple[int, ...]) -> str:
    if len(shape) <= 1:
        return f"at {flat_index}" if shape else "value"
    return "at " + ",".join(str(int(i)) for i in np.unravel_index(flat_index, shape))


def _numeric_prices(x: FloatArray, format: OddsFormat) -> tuple[FloatArray, NDArray[np.bool_]]:
    """Vectorised :func:`_parse_one` for numbers; NaN and ``bad`` where it would fail."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if format == "american":
            prices = np.where(x > 0, 1 + x / 100, 1 + 100 / np.abs(x))
            bad = ~np.isfinite(x) | (np.abs(x) < 100)
        elif format == "fractional":
            prices = 1 + x
            bad = ~np.isfinite(x) | (x <= 0)
        else:
            prices = x.copy()
            bad = ~np.isfinite(x) | (x <= 1)
    prices[bad] = np.nan
    return prices, bad


def _parse_one(value: object, format: OddsFormat) -> tuple[float, str]:
    """``(decimal price, "")`` or ``(nan, reason)``."""
    nan = math.nan
    if value is None or value is pd.NA or value is pd.NaT:
        return nan, "missing price"
    if isinstance(value, bool | np.bool_):
        return nan, "not a number"
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
        if math.isnan(number):
            return nan, "missing price"
        return _from_number(number, "decimal" if format == "auto" else format)
    if not isinstance(value, str):
        return nan, f"not a number ({type(value).__name__})"
    text = value.strip().lower()
    if text in _MISSING_TEXT:
        return nan, "missing price"
    if text in _EVENS:
        return 2.0, ""
    if format == "auto":
        format = "fractional" if "/" in text else "american" if text[0] in "+-" else "decimal"
    if format == "fractional" and "/" in text:
        return _from_fraction(text)
    parsed = _to_float(text)
    if parsed is None:
        return nan, "not a number" if format != "fractional" else "not a fraction a/b"
    return _from_number(parsed, format)


def _from_number(x: float, format: OddsFormat) -> tuple[float, str]:
    nan = math.nan
    if not math.isfinite(x):
        return nan, "not a finite number"
    if format == "american":
        if abs(x) < 100:
            return nan, f"American odds must be -100 or less or +100 or more, got {x:+g}"
        return (1 + x / 100 if x > 0 else 1 + 100 / -x), ""
    if format == "fractional":
        if x < 0:
            return nan, "negative fractional odds"
        if x == 0:
            return nan, "fractional odds 0 pay nothing (decimal price 1.0)"
        return 1 + x, ""
    if x <= 1:
        return nan, f"decimal odds must be greater than 1.0, got {x:g}"
    return x, ""


def _from_fraction(text: str) -> tuple[float, str]:
    nan = math.nan
    parts = text.split("/")
    numbers = [_to_float(part) for part in parts]
    if len(parts) != 2 or numbers[0] is None or numbers[1] is None:
        return nan, "not a fraction a/b"
    top, bottom = numbers[0], numbers[1]
    if not (math.isfinite(top) and math.isfinite(bottom)):
        return nan, "not a finite fraction"
    if bottom == 0:
        return nan, "fraction with a zero denominator"
    if top < 0 or bottom < 0:
        return nan, "negative fractional odds"
    if top == 0:
        return nan, "fractional odds 0 pay nothing (decimal price 1.0)"
    return 1 + top / bottom, ""


def _to_float(text: str) -> float | None:
    try:
        return float(text.strip())
    except ValueError:
        return None


def _check_format(format: str) -> None:
    if format not in _FORMATS:
        raise DataError(f"odds format {format!r}: choose {', '.join(_FORMATS)}")


def check_errors(errors: str) -> None:
    """Refuse an ``errors=`` argument other than ``"raise"`` or ``"mask"``."""
    if errors not in ("raise", "mask"):
        raise DataError(f"errors={errors!r}: choose 'raise' or 'mask'")
