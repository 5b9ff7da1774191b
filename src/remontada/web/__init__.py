"""The web app: a JSON API and server-rendered pages over the library.

A thin front end, like the command line: every number it shows comes from a library
call (:class:`~remontada.tie_forecast.TieForecaster`,
:class:`~remontada.live.LiveForecaster`, :func:`~remontada.precedents.precedents`,
:mod:`~remontada.queries`). :func:`create_app` builds the FastAPI application for one
store; ``remontada serve`` runs it with uvicorn. The API is documented at ``/docs``.
"""

from remontada.web.app import create_app

__all__ = ["create_app"]
