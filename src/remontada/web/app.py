"""The application factory: one read-only store, warm forecasters, errors turned into clear 4xx replies."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from remontada._version import __version__
from remontada.bundle import open_store
from remontada.errors import DataError, RemontadaError
from remontada.live import LiveForecaster
from remontada.models import DEFAULT_TIE_MODEL
from remontada.store import default_path
from remontada.tie_forecast import TieForecaster
from remontada.web import api, pages
from remontada.web.deps import HERE, MAX_QUERY, Engines, templates

__all__ = ["create_app"]


def create_app(store_path: Path | str | None = None, *, model: str = DEFAULT_TIE_MODEL) -> FastAPI:
    """The web app over the store at ``store_path`` (default: ``REMONTADA_DB``, else the user data directory).

    A store that does not exist yet is created from the bundled data first; then it
    is opened read-only, once, for the app's lifetime. The forecasters fit their
    model lazily, once per forecast date, and keep the fits.
    """
    path = Path(store_path) if store_path is not None else default_path()
    if not path.exists():
        open_store(path).close()
    store = open_store(path, read_only=True)
    ties = TieForecaster(store, model)
    engines = Engines(store, ties, LiveForecaster(store, ties=ties))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        store.close()

    app = FastAPI(
        title="remontada",
        version=__version__,
        description="Football knockout ties: who goes through, before the tie, between the legs and live.",
        lifespan=lifespan,
        docs_url=None,  # FastAPI's Swagger and ReDoc pages load their scripts from a CDN: /docs is served here
        redoc_url=None,
    )
    app.state.engines = engines
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.middleware("http")
    async def limit_query(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        size = len(request.scope.get("query_string", b""))
        if size > MAX_QUERY:
            message = f"the query string has {size} characters, more than the {MAX_QUERY} allowed"
            return _error(request, 413, message)
        return await call_next(request)

    @app.exception_handler(DataError)
    async def data_error(request: Request, exc: DataError) -> Response:
        return _error(request, 422, str(exc))

    @app.exception_handler(RemontadaError)
    async def remontada_error(request: Request, exc: RemontadaError) -> Response:
        return _error(request, 503, str(exc))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        return _error(request, 422, _validation_message(exc), errors=exc.errors())

    app.include_router(api.router)
    app.include_router(pages.router)

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs(request: Request) -> HTMLResponse:
        """The API's reference from its OpenAPI spec, rendered here with no outside assets."""
        return templates.TemplateResponse(request, "docs.html", {"spec": app.openapi()})

    return app


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
