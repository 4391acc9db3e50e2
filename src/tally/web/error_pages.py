"""Error pages: a browser that asks for a page gets an HTML page when something goes
wrong (an unknown dataset, a mistyped address, a bug), while the JSON API under
``/api/`` and the pages' own data under ``/ui/`` keep their JSON error bodies.

The negotiation is by route: :func:`install_error_pages` wraps whatever handler is
registered for an error class, which keeps answering for the API.
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import TallyError
from .api import status_of

__all__ = ["JSON_ROUTES", "error_page", "install_error_pages"]

JSON_ROUTES = ("/api/", "/ui/", "/static/", "/openapi.json")
"""Paths whose errors stay JSON bodies (the API, the pages' own data, files); every
other path is a page a browser shows, and its errors are pages too."""

_TITLES = {
    400: "That request cannot be answered",
    404: "Page not found",
    422: "That request cannot be answered",
}


def install_error_pages(app: FastAPI) -> None:
    """Answer errors on page routes with an HTML page, and leave every other route's
    errors to the handlers installed before (the JSON bodies of the API).

    Call it last in ``create_app``: it wraps the handlers already registered for HTTP
    errors, refused input, malformed requests and bugs.
    """
    for kind in (StarletteHTTPException, TallyError, RequestValidationError, Exception):
        app.add_exception_handler(kind, _page_or(app.exception_handlers.get(kind)))


def _page_or(json_handler: Callable[..., Any] | None) -> Callable[[Request, Exception], Awaitable[Response]]:
    async def handler(request: Request, exc: Exception) -> Response:
        if request.url.path.startswith(JSON_ROUTES) or request.method not in ("GET", "HEAD"):
            if json_handler is None:
                return PlainTextResponse("Internal Server Error", status_code=500)
            response = json_handler(request, exc)
            return await response if inspect.isawaitable(response) else response
        return error_page(request, exc)

    return handler


def error_page(request: Request, exc: Exception) -> HTMLResponse:
    """The page of an error: what went wrong in a sentence and where to go next."""
    if isinstance(exc, StarletteHTTPException):
        status, detail = exc.status_code, str(exc.detail)
        if status == 404 and detail == "Not Found":
            detail = f"There is no page at {request.url.path}."
    elif isinstance(exc, TallyError):
        status, detail = status_of(exc), str(exc)
    elif isinstance(exc, RequestValidationError):
        status, detail = 422, "; ".join(str(e.get("msg", "")) for e in exc.errors()) or "invalid request"
    else:
        status, detail = (
            500,
            "Something went wrong on the server; please report it with the address of this page.",
        )
    title = _TITLES.get(
        status, "Something went wrong" if status >= 500 else "That request cannot be answered"
    )
    context = {
        "status": status,
        "title": title,
        "detail": detail,
        "search": _search_words(request, status),
        "suggestions": _suggestions(request, status),
    }
    response: HTMLResponse = request.app.state.templates.TemplateResponse(
        request, "error.html", context, status_code=status
    )
    return response


def _suggestions(request: Request, status: int) -> list[dict[str, str]]:
    """The datasets a mistyped id was probably meant to be, each as a link to the same
    kind of page (/contest/burlingtn-2009 -> /contest/burlington-2009)."""
    parts = request.url.path.strip("/").split("/")
    if status != 404 or len(parts) != 2 or parts[0] not in ("contest", "ec", "analysis", "audit"):
        return []
    from .. import data as catalogue

    ids = [d.id for d in catalogue.datasets()]
    close = difflib.get_close_matches(parts[1], ids, n=3, cutoff=0.6)
    return [{"id": d, "href": f"/{parts[0]}/{d}"} for d in close]


def _search_words(request: Request, status: int) -> str | None:
    """What to search the catalogue for after an unknown dataset: the words of the id
    asked for, without its numbers (us-president-1968 -> "us president")."""
    parts = request.url.path.strip("/").split("/")
    if status != 404 or len(parts) != 2 or parts[0] not in ("contest", "ec", "analysis", "audit"):
        return None
    words = [w for w in parts[1].replace("_", "-").split("-") if w and not w.isdigit()]
    return " ".join(words) or None
