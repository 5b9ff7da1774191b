"""The application factory: one read-only store, warm forecasters, errors turned into clear 4xx replies.

Every response carries headers that keep a page from running anyone's script but
its own (a Content-Security-Policy with no inline script), and a request naming a
host the server was not started for is refused (DNS rebinding). ``remontada serve
--workers N`` runs several processes, each built by :func:`from_environment`.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from starlette.middleware.trustedhost import TrustedHostMiddleware

from remontada._version import __version__
from remontada.app.web import api, match_pages, pages
from remontada.app.web.deps import (
    ANSWER_WAIT,
    DATE_HORIZON,
    HERE,
    MAX_QUERY,
    RETRY_AFTER,
    Engines,
    StillWorking,
    ThreadStore,
    templates,
)
from remontada.data.bundle import open_store
from remontada.data.store import default_path
from remontada.errors import DataError, RemontadaError
from remontada.knockout.forecast import TieForecaster
from remontada.live.forecast import LiveForecaster
from remontada.models import DEFAULT_TIE_MODEL
from remontada.models.forecast import Forecaster
from remontada.tournaments.forecast import TournamentForecaster

__all__ = ["HOSTS_VARIABLE", "LOCAL_HOSTS", "SECURITY_HEADERS", "Problem", "create_app", "from_environment"]

LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")
"""Host names a request may address the server by, always (more with ``serve --allowed-host``)."""
HOSTS_VARIABLE = "REMONTADA_ALLOWED_HOSTS"
"""The environment variable :func:`from_environment` reads more allowed hosts from (comma-separated)."""
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
"""Headers on every response: only the app's own scripts and styles run, nothing frames it, nothing is sniffed."""


class FieldProblem(BaseModel):
    """One bad field of a request: where (``["query", "minute"]``) and what was wrong."""

    loc: list[str | int]
    msg: str


class Problem(BaseModel):
    """The body of every error the API sends: a message naming what was wrong (and, for bad fields, each one)."""

    detail: str
    errors: list[FieldProblem] | None = None


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {
        "description": "The request named a host this server was not started for (see `serve --allowed-host`).",
        "content": {"text/plain": {"schema": {"type": "string"}}},
    },
    413: {"model": Problem, "description": "The query string is too long."},
    422: {"model": Problem, "description": "Bad input: `detail` says what was wrong; `errors` lists bad fields."},
    503: {
        "model": Problem,
        "description": "The answer is still being worked out (come back after `Retry-After` seconds), "
        "or the store cannot be read.",
    },
}
"""The error replies every API route documents (what :func:`_error` sends)."""


def create_app(
    store_path: Path | str | None = None,
    *,
    model: str = DEFAULT_TIE_MODEL,
    allowed_hosts: Sequence[str] = (),
    wait: float = ANSWER_WAIT,
) -> FastAPI:
    """The web app over the store at ``store_path`` (default: ``REMONTADA_DB``, else the user data directory).

    A store that does not exist yet is created from the bundled data first; then it
    is opened read-only, once, for the app's lifetime. The forecasters fit their
    model lazily, once per forecast date, and keep the fits. Requests must address
    the server as one of :data:`LOCAL_HOSTS` or ``allowed_hosts`` (else 400). A request
    waits ``wait`` seconds for an answer being worked out, then gets a 503.
    """
    path = Path(store_path) if store_path is not None else default_path()
    if not path.exists():
        open_store(path).close()
    store = ThreadStore(open_store(path, read_only=True))
    ties = TieForecaster(store, model)
    live, tournaments = LiveForecaster(store, ties=ties), TournamentForecaster(store, ties=ties)
    matches = Forecaster(store)  # the match model `remontada match` uses, not the tie model
    engines = Engines(store, ties, live, tournaments, matches, wait=wait)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        engines.close()

    app = FastAPI(
        title="remontada",
        version=__version__,
        description="Football knockout ties: who goes through, before the tie, between the legs and live; "
        "whole competitions: each team's chance of each stage.",
        lifespan=lifespan,
        docs_url=None,  # FastAPI's Swagger and ReDoc pages load their scripts from a CDN: /docs is served here
        redoc_url=None,
    )
    app.state.engines = engines
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=[*LOCAL_HOSTS, *allowed_hosts], www_redirect=False)

    @app.middleware("http")
    async def limit_query(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        size = len(request.scope.get("query_string", b""))
        if size > MAX_QUERY:
            message = f"the query string has {size} characters, more than the {MAX_QUERY} allowed"
            return _error(request, 413, message)
        return await call_next(request)

    @app.middleware("http")  # added last: outermost, so every reply (a 400 or 413 too) has the headers
    async def security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        return response

    @app.exception_handler(DataError)
    async def data_error(request: Request, exc: DataError) -> Response:
        return _error(request, 422, str(exc))

    @app.exception_handler(StillWorking)
    async def still_working(request: Request, exc: StillWorking) -> Response:
        response = _error(request, 503, str(exc))
        response.headers["Retry-After"] = str(RETRY_AFTER)
        return response

    @app.exception_handler(RemontadaError)
    async def remontada_error(request: Request, exc: RemontadaError) -> Response:
        return _error(request, 503, str(exc))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        return _error(request, 422, _validation_message(exc), errors=exc.errors())

    app.include_router(api.router, responses=ERROR_RESPONSES)
    app.include_router(pages.router)
    app.include_router(match_pages.router)

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs(request: Request) -> HTMLResponse:
        """The API's reference from its OpenAPI spec, rendered here with no outside assets."""
        context = {"spec": app.openapi(), "wait": f"{engines.wait:g}", "horizon": DATE_HORIZON}
        return templates.TemplateResponse(request, "docs.html", context)

    return app


def from_environment() -> FastAPI:
    """The app as ``remontada serve`` configured it, for worker processes (uvicorn imports it by name).

    The store is ``REMONTADA_DB`` (else the user data directory), more allowed hosts
    come from :data:`HOSTS_VARIABLE`.
    """
    hosts = [h.strip() for h in os.environ.get(HOSTS_VARIABLE, "").split(",") if h.strip()]
    return create_app(allowed_hosts=hosts)


def _validation_message(exc: RequestValidationError) -> str:
    """``"minute: Input should be less than or equal to 120"``, one clause per bad field."""
    parts = []
    for error in exc.errors():
        loc = [str(p) for p in error.get("loc", ()) if p not in ("query", "body", "path")]
        parts.append(f"{'.'.join(loc) or 'request'}: {error.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def _error(request: Request, status: int, message: str, errors: Any = None) -> Response:
    """JSON ``{"detail": message}`` for the API, an HTML page for the pages."""
    if request.url.path.startswith("/api") or request.url.path in ("/docs", "/openapi.json"):
        body: dict[str, Any] = {"detail": message}
        if errors is not None:
            body["errors"] = [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg", ""))} for e in errors]
        return JSONResponse(body, status_code=status)
    return templates.TemplateResponse(request, "error.html", {"status": status, "message": message}, status_code=status)
