"""The in-play model's kernels, compiled by numba when first needed, and their results kept.

:func:`remontada.models.inplay.process.final_score_grid` and
:func:`~remontada.models.inplay.process.live_table` run a Markov chain on scores minute by
minute; the loops are here, compiled by numba (``njit(cache=True)``: the machine code is
kept on disk). They are compiled, or their cached machine code loaded, on the first call
(:func:`chain`, :func:`values`), not when the module is imported: numba takes about a
fifth of a second to import and as long again to load a cached kernel, which a command
whose answers are already known need not pay.

Within :func:`results_kept_in` (the ``tie`` and ``live`` commands use the store's fit
cache), the callers' results are read from and saved to a :class:`Results` store, keyed
by a digest of every input and of the code that computes them (:func:`kept`): a command
asked again reads back exactly the arrays it would compute.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Protocol, TypeVar

import numpy as np
from numpy.typing import NDArray

__all__ = ["MINUTES", "STATES", "Results", "chain", "kept", "kept_summary", "results_kept_in", "state_index", "values"]

Array = NDArray[np.float64]
S = TypeVar("S")
MINUTES = 90
STATES = 5
"""A side's state is its margin in the match or tie, clipped to -2..2 (index margin + 2)."""
MAX_PER_MINUTE = 3  # goals one side can score in one minute in the chain (the rest of the mass is put on 3)
prange = range  # numba's parallel range once the kernels are compiled (:func:`_jit`)


def state_index(home_goals: int, away_goals: int, lead: int, away_rule: bool, away_goals_home: int) -> int:
    """The home side's state index (0..4) at a score of this match, given the tie.

    ``lead`` is the home side's lead brought into this match (0 outside a tie; a
    second leg's first-leg margin), so its margin in the tie is ``lead + home_goals -
    away_goals``; under the away-goals rule a level tie counts as +1 or -1 by who has
    the more away goals (``away_goals_home``: the home side's from the first leg,
    against the away side's ``away_goals`` in this match). Clipped to -2..2.
    """
    d = lead + home_goals - away_goals
    if d == 0 and away_rule:
        if away_goals > away_goals_home:
            d = -1
        elif away_goals < away_goals_home:
            d = 1
    return min(max(d, -2), 2) + 2


def _minute_pmfs(
    minute: int,
    rate_h: float,
    rate_a: float,
    profile: Array,
    home_state: Array,
    away_state: Array,
    ph: Array,
    pa: Array,
    lam: Array,
    mu: Array,
) -> None:  # pragma: no cover - compiled; checked through its callers
    """Each side's goals in one minute by the home side's state: fills ``ph[s]``/``pa[s]`` (0..3, the rest on 3).

    ``lam[s]`` and ``mu[s]`` get the two rates. Five states, not every score: the
    cells of the score grid look their state up (:func:`state_index`).
    """
    k_max = ph.shape[1] - 1
    for s in range(STATES):
        lam[s] = rate_h * profile[minute] * np.exp(home_state[s])
        mu[s] = rate_a * profile[minute] * np.exp(away_state[4 - s])
        ph[s, 0], pa[s, 0] = np.exp(-lam[s]), np.exp(-mu[s])
        for k in range(1, k_max + 1):
            ph[s, k] = ph[s, k - 1] * lam[s] / k
            pa[s, k] = pa[s, k - 1] * mu[s] / k
        ph[s, k_max] = 1.0 - ph[s, :k_max].sum()
        pa[s, k_max] = 1.0 - pa[s, :k_max].sum()


def _chain(
    probs: Array,
    tail: Array,
    expected: Array,
    rate_h: Array,
    rate_a: Array,
    profile: Array,
    home_state: Array,
    away_state: Array,
    lead: NDArray[np.int64],
    away_rule: NDArray[np.bool_],
    away_goals_home: NDArray[np.int64],
    start: int,
    stop: int,
) -> None:  # pragma: no cover - compiled; checked through final_score_grid
    """Advance each fixture's score distribution from minute ``start`` to ``stop``, in place.

    Mass leaving the grid goes to ``tail``; ``expected`` adds up each side's expected
    goals over the minutes run (exact, whatever the grid truncates).
    """
    n, size = probs.shape[0], probs.shape[1]
    k_max = MAX_PER_MINUTE
    for f in prange(n):  # fixtures are independent: one per thread
        ph, pa = np.empty((STATES, k_max + 1)), np.empty((STATES, k_max + 1))
        lam, mu = np.empty(STATES), np.empty(STATES)
        grid = probs[f]
        for minute in range(start, stop):
            _minute_pmfs(minute, rate_h[f], rate_a[f], profile, home_state, away_state, ph, pa, lam, mu)
            new = np.zeros((size, size))
            for h in range(size):
                for a in range(size):
                    p = grid[h, a]
                    if p == 0.0:
                        continue
                    s = state_index(h, a, lead[f], away_rule[f], away_goals_home[f])
                    expected[f, 0] += p * lam[s]
                    expected[f, 1] += p * mu[s]
                    for k in range(k_max + 1):
                        for m in range(k_max + 1):
                            q = p * ph[s, k] * pa[s, m]
                            if h + k < size and a + m < size:
                                new[h + k, a + m] += q
                            else:
                                tail[f] += q
            grid[:, :] = new


def _values(
    out: Array,
    rate_h: float,
    rate_a: float,
    profile: Array,
    home_state: Array,
    away_state: Array,
    lead: int,
    away_rule: bool,
    away_goals_home: int,
) -> None:  # pragma: no cover - compiled; checked through live_table
    """Fill ``out[m]`` (value at the start of minute ``m + 1``) backwards from ``out[90]``, the final whistle.

    The value of a score is the chance-weighted value of the scores the next minute
    can lead to (the birth process run backwards); goals beyond the grid stay on its
    edge, a negligible approximation for real rates.
    """
    size = out.shape[1]
    k_max = MAX_PER_MINUTE
    ph, pa = np.empty((STATES, k_max + 1)), np.empty((STATES, k_max + 1))
    lam, mu = np.empty(STATES), np.empty(STATES)
    for minute in range(MINUTES - 1, -1, -1):
        _minute_pmfs(minute, rate_h, rate_a, profile, home_state, away_state, ph, pa, lam, mu)
        nxt = out[minute + 1]
        for h in range(size):
            for a in range(size):
                s = state_index(h, a, lead, away_rule, away_goals_home)
                v = 0.0
                for k in range(k_max + 1):
                    for m in range(k_max + 1):
                        v += ph[s, k] * pa[s, m] * nxt[min(h + k, size - 1), min(a + m, size - 1)]
                out[minute, h, a] = v


_KERNELS = ("state_index", "_minute_pmfs", "_chain", "_values")
_compiling = threading.Lock()
_compiled: list[bool] = []


def _jit() -> None:
    """Replace the kernels by their numba-compiled versions, once (a jitted kernel calls the others by name)."""
    if _compiled:
        return
    with _compiling:
        if _compiled:
            return
        from numba import njit
        from numba import prange as parallel_range

        names = globals()
        names["prange"] = parallel_range
        for name in _KERNELS:
            names[name] = njit(cache=True, parallel=name == "_chain")(names[name])
        _compiled.append(True)


def chain(*args: Any) -> None:
    """:func:`_chain`, compiled, its fixtures spread over the cores.

    The kernel holds the GIL while it runs (it is not ``nogil``), so threads asking for
    chains at once (the web server's) launch it one at a time, as numba's default
    threading layer requires.
    """
    _jit()
    _chain(*args)


def values(*args: Any) -> None:
    """:func:`_values`, compiled."""
    _jit()
    _values(*args)


class Results(Protocol):
    """Where results are kept between runs: :class:`remontada.models.fitcache.FitCache` is one."""

    def load(self, key: dict[str, Any]) -> dict[str, NDArray[Any]] | None:
        """The arrays saved under ``key``, or ``None``."""

    def save(self, key: dict[str, Any], params: dict[str, NDArray[Any]]) -> None:
        """Keep ``params`` under ``key``."""


_RESULTS: ContextVar[Results | None] = ContextVar("inplay_results", default=None)


@contextmanager
def results_kept_in(results: Results | None) -> Iterator[None]:
    """Within the block, the chain's and the live tables' results are read from and saved to ``results``.

    A result is keyed by a digest of every input and of the kernels' code, so a hit gives
    back exactly the arrays the kernels would compute; a command asked again (the same
    tie, the same minute) then needs neither numba nor the run.
    """
    token = _RESULTS.set(results)
    try:
        yield
    finally:
        _RESULTS.reset(token)


def _code(functions: tuple[Callable[..., Any], ...]) -> bytes:
    """What a result depends on besides its inputs: the code that computes it."""
    out = b""
    for function in functions:
        code = getattr(function, "py_func", function).__code__
        out += code.co_code + repr(code.co_consts).encode() + repr(code.co_names).encode()
    return out


_KERNEL_CODE = _code(tuple(globals()[name] for name in _KERNELS)) + repr((MINUTES, STATES, MAX_PER_MINUTE)).encode()


def _digest(inputs: tuple[Any, ...], code: bytes) -> str:
    digest = hashlib.sha256(_KERNEL_CODE + code)
    for value in inputs:
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            _update(digest, [getattr(value, f.name) for f in dataclasses.fields(value)])
        else:
            _update(digest, [value])
    return digest.hexdigest()


def _update(digest: Any, parts: list[Any]) -> None:
    for value in parts:
        if isinstance(value, np.ndarray):
            digest.update(f"{value.dtype.str}{value.shape}".encode() + np.ascontiguousarray(value).tobytes())
        else:
            digest.update(f"{type(value).__name__}:{value!r};".encode())


def kept(
    kind: str,
    inputs: tuple[Any, ...],
    work: Callable[[], dict[str, NDArray[Any]]],
    code: tuple[Callable[..., Any], ...] = (),
) -> dict[str, NDArray[Any]]:
    """``work()``'s arrays, or the same arrays kept from an earlier run with these ``inputs``.

    ``code`` names the Python functions ``work`` runs besides the kernels (a change to
    any of them is a new key). Without :func:`results_kept_in`, simply ``work()``.
    """
    results = _RESULTS.get()
    if results is None:
        return work()
    key = {"kind": f"inplay-{kind}", "inputs": _digest(inputs, _code(code))}
    found = results.load(key)
    if found is not None:
        return found
    out = work()
    results.save(key, {name: np.asarray(value) for name, value in out.items()})
    return out


def kept_summary(cls: type[S], key: dict[str, Any], work: Callable[[], S]) -> S:
    """A dataclass of plain numbers, strings and ``None`` (a rate and its interval), kept as :func:`kept` keeps arrays.

    Kept as JSON, which gives every float back exactly: the extra-time rate, shootout
    edge and base rate a tie forecast reads from the store's history (and that need
    ``scipy.stats``). Without :func:`results_kept_in`, simply ``work()``.
    """
    results = _RESULTS.get()
    if results is None:
        return work()
    full = {"kind": f"summary-{cls.__name__}", **key}
    found = results.load(full)
    if found is not None:
        try:
            return cls(**json.loads(str(found["json"])))
        except (KeyError, ValueError, TypeError):
            pass  # an entry of another layout: work it out again
    value = work()
    results.save(full, {"json": np.array(json.dumps(dataclasses.asdict(value)))})  # type: ignore[call-overload]
    return value
