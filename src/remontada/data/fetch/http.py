"""Downloading one file politely and safely: the HTTP side of ``remontada data fetch``.

:class:`Downloader` wraps one :class:`httpx.Client` and keeps these promises:

- **A file is complete or not there.** The body streams into a hidden ``.NAME.part-PID``
  file beside the cache file and replaces it (``os.replace``, atomic) only once every
  byte the server announced (``Content-Length``) has arrived; a body cut short, a
  connection reset half-way, a timeout or a killed process leaves the cached copy as
  it was (a stray ``.part`` file is never read, and is overwritten next time).
- **Not the file expected is an error.** An HTML page (a host's error or login page,
  served with status 200 where a CSV or text file was asked for) and an empty body
  are refused and not cached.
- **Transient failures are retried**, with exponential backoff (``backoff``,
  ``2 * backoff``, ...): connection errors, timeouts, broken bodies and the server's
  own errors (5xx, and 429 Too Many Requests). A 404 or 410 is
  :class:`~remontada.errors.NotPublishedError` at once (a season not published yet);
  another 4xx is a :class:`~remontada.errors.FetchError`.
- **Conditional requests.** Given the ``ETag`` and ``Last-Modified`` the server sent
  last time, the request carries ``If-None-Match``/``If-Modified-Since``, and an
  unchanged file costs a ``304 Not Modified`` and no body (RFC 9110, sections 13.1.2
  and 13.1.3).
- **Politeness.** Requests go one at a time, with at least ``delay`` seconds between
  two to the same host (none to this machine's own loopback address, a local mirror),
  and a ``User-Agent`` naming remontada and its version.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

import httpx

from remontada._version import __version__
from remontada.errors import FetchError, NotPublishedError

__all__ = ["USER_AGENT", "Download", "Downloader", "Validators", "check_url", "sha256_of"]

USER_AGENT = f"remontada/{__version__} (football forecasts; python-httpx/{httpx.__version__})"
"""Who is asking: sent with every request."""

_LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body")

Progress = Callable[[int, int | None], None]
"""Called as a body arrives with the bytes received so far and the bytes announced (``None``: not said)."""


@dataclass(frozen=True)
class Validators:
    """What the server said identifies the version of a file it sent (``ETag``, ``Last-Modified``)."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Download:
    """The outcome of one successful request: a new body in ``path``, or ``modified=False`` (304)."""

    url: str
    path: Path
    modified: bool
    validators: Validators
    sha256: str | None = None
    size: int = 0


def check_url(text: str, what: str) -> str:
    """Return ``text`` without a trailing slash if it is an ``http(s)://host/...`` URL; else a clear error."""
    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise FetchError(f"{what} {text!r} is not a URL: give one like https://www.football-data.co.uk")
    return text.strip().rstrip("/")


def sha256_of(path: Path) -> str | None:
    """The SHA-256 of a file's bytes, or ``None`` when it cannot be read (missing, a folder, unreadable)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


class _Retry(Exception):
    """A failure worth another try; its message says what happened."""


class Downloader:
    """One HTTP client for a whole fetch: see the module docstring for what it guarantees.

    Parameters
    ----------
    timeout
        Seconds to wait between two pieces of a body, and (at most 10) to connect, before giving up on an attempt.
    retries
        Further attempts after a transient failure.
    backoff
        Seconds before the first retry; each further retry waits twice as long.
    delay
        Seconds between two requests to the same host (loopback hosts excepted).
    transport
        An httpx transport (tests); the default is the network.
    """

    def __init__(
        self,
        *,
        timeout: float = 30.0,
        retries: int = 3,
        backoff: float = 2.0,
        delay: float = 1.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.retries = retries
        self.backoff = backoff
        self.delay = delay
        self.requests = 0
        self._last: dict[str, float] = {}
        self._unreachable: dict[str, str] = {}  # host -> why it could not be reached, this fetch
        self._timeout = timeout
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            headers={"User-Agent": USER_AGENT},
            follow_redirects=True,
            transport=transport,
        )

    def close(self) -> None:
        """Close the connections."""
        self._client.close()

    def __enter__(self) -> Downloader:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def get(
        self, url: str, target: Path, validators: Validators | None = None, progress: Progress | None = None
    ) -> Download:
        """Fetch ``url`` into ``target`` (see the module docstring); raise a :class:`FetchError` saying why not.

        A host that could not be reached at all (no connection after every retry) is not
        tried again in this fetch: its other files fail at once, naming the first failure,
        so an offline machine learns it in one file's retries, not in every file's.
        """
        host = urlsplit(url).hostname or ""
        if host in self._unreachable:
            raise FetchError(f"{url}: not tried, {host} could not be reached a moment ago ({self._unreachable[host]})")
        attempts = self.retries + 1
        for attempt in range(attempts):
            self._wait(url)
            try:
                return self._once(url, target, validators, progress)
            except _Retry as exc:
                if attempt + 1 == attempts:
                    if isinstance(exc.__cause__, httpx.ConnectError | httpx.ConnectTimeout):
                        self._unreachable[host] = str(exc)
                    tries = f" (tried {attempts} times)" if attempts > 1 else ""
                    raise FetchError(f"{url}: {exc}{tries}") from exc
                time.sleep(self.backoff * 2**attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def _wait(self, url: str) -> None:
        """Keep ``delay`` seconds between two requests to one host."""
        host = urlsplit(url).hostname or ""
        if host not in _LOOPBACK and host in self._last:
            pause = self._last[host] + self.delay - time.monotonic()
            if pause > 0:
                time.sleep(pause)
        self._last[host] = time.monotonic()

    def _once(self, url: str, target: Path, validators: Validators | None, progress: Progress | None) -> Download:
        headers = {}
        if validators is not None and validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators is not None and validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        self.requests += 1
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                return self._receive(url, response, target, validators, progress)
        except httpx.TimeoutException as exc:
            raise _Retry(f"no answer within {self._timeout:g} s ({type(exc).__name__})") from exc
        except httpx.ConnectError as exc:
            raise _Retry(f"cannot connect ({exc})") from exc
        except httpx.TransportError as exc:  # a reset, a body cut short, a protocol error
            raise _Retry(f"the download broke off ({exc or type(exc).__name__})") from exc

    def _receive(
        self,
        url: str,
        response: httpx.Response,
        target: Path,
        validators: Validators | None,
        progress: Progress | None,
    ) -> Download:
        status = response.status_code
        if status == 304 and validators is not None:
            return Download(url, target, False, validators)
        if status in (404, 410):
            raise NotPublishedError(
                f"{url}: not published yet? (the server answered {status} {response.reason_phrase})"
            )
        if status >= 500 or status == 429:
            raise _Retry(f"the server answered {status} {response.reason_phrase}")
        if status != 200:
            raise FetchError(f"{url}: the server answered {status} {response.reason_phrase}")
        announced = response.headers.get("Content-Length")
        total = int(announced) if announced and announced.isdigit() else None
        digest = hashlib.sha256()
        part = target.with_name(f".{target.name}.part-{os.getpid()}")
        size = 0
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with part.open("wb") as fh:
                for chunk in response.iter_bytes():
                    if size == 0 and _html(chunk, response):
                        raise FetchError(
                            f"{url}: the server sent a web page (HTML), not the file asked for: an error page? "
                            "Nothing was imported"
                        )
                    fh.write(chunk)
                    digest.update(chunk)
                    size += len(chunk)
                    if progress is not None:
                        progress(response.num_bytes_downloaded, total)
            if total is not None and response.num_bytes_downloaded != total:
                raise _Retry(f"the body is incomplete: {response.num_bytes_downloaded} of {total} bytes")
            if size == 0:
                raise FetchError(f"{url}: the server sent an empty file; nothing was imported")
            os.replace(part, target)
        except OSError as exc:
            raise FetchError(f"cannot write the cache file {target}: {exc.strerror or exc}") from exc
        finally:
            part.unlink(missing_ok=True)
        found = Validators(response.headers.get("ETag"), response.headers.get("Last-Modified"))
        return Download(url, target, True, found, digest.hexdigest(), size)


def _html(first: bytes, response: httpx.Response) -> bool:
    """Whether a body is a web page: its type says so, or its first bytes are HTML."""
    kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    return kind in ("text/html", "application/xhtml+xml") or first.lstrip().lower().startswith(_HTML_STARTS)
