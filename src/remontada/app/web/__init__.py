"""The web app: a JSON API and server-rendered pages over the library.

A thin front end, like the command line: every number it shows comes from a library
call (:class:`~remontada.knockout.forecast.TieForecaster`,
:class:`~remontada.live.forecast.LiveForecaster`, :func:`~remontada.knockout.precedents.precedents`,
:mod:`~remontada.data.queries`). :func:`create_app` builds the FastAPI application for one
store; ``remontada serve`` runs it with uvicorn. The API is documented at ``/docs``.
"""

from remontada.app.web.app import create_app

__all__ = ["create_app"]
