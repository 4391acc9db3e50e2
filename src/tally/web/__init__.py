"""The tally web app: catalogue, contests, the Electoral College, uploads and simulations.

``create_app()`` builds the FastAPI application; ``tally serve`` runs it with uvicorn.
Everything the pages need is served from the installed packages (plotly.js from the
plotly package), so the app works with no internet.

The event loop never counts: counts, uploads and simulations run in the worker pool
(:mod:`tally.web.workers`), bounded in number, time and memory; the guard
(:mod:`tally.web.guard`) checks the Host header and the body size and sets the security
headers. Every error is a JSON body ``{"detail": ...}``: 400 for input tally refuses (and
a Host it does not serve), 404 for an unknown dataset, run or page, 413 for a body past
the upload limit, 422 for a request of the wrong shape or a job past its time or memory
limit, 429 when one client has too many jobs waiting, 503 when the pool is full (both with
``Retry-After``), 500 for a bug.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from .. import __version__, limits
from ..errors import TallyError
from ..report.charts import plotly_js
from .guard import DEFAULT_HOSTS, Guard
from .jobs import Jobs
from .workers import Busy, JobFailed, WorkerPool

__all__ = ["create_app"]

HERE = Path(__file__).resolve().parent


def create_app(
    *, caps: limits.Limits | None = None, hosts: Iterable[str] = (), inline: bool = False
) -> FastAPI:
    """The application: the JSON API under /api/, the pages, and their static files.

    Parameters
    ----------
    caps:
        The limits on uploads and on the worker pool (default: :func:`tally.limits.current`).
    hosts:
        Host names to answer besides ``localhost``, ``127.0.0.1``, ``::1`` and those in
        ``TALLY_ALLOWED_HOSTS`` (comma-separated); ``*`` answers any.
    inline:
        Run jobs in the request's thread rather than in worker processes (no time or
        memory limit; for tests that replace tally's functions).
    """
    from ..store import home
    from ..store_catalogue import tidy
    from .analysis import router as analysis_router
    from .api import router as api_router
    from .api import status_of
    from .audit import router as audit_router
    from .error_pages import install_error_pages
    from .pages import router as page_router

    caps = caps or limits.current()
    pool = WorkerPool(caps, inline=inline)
    jobs = Jobs(pool)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        tidy(home())  # what a killed `tally import` left behind, if no writer is at work
        pool.open()
        yield
        jobs.shutdown()
        pool.close()

    app = FastAPI(
        lifespan=lifespan,
        title="tally",
        version=__version__,
        description="Count, explain, analyse and simulate elections. The JSON API lives under /api/.",
        # FastAPI's /docs and /redoc pages load from a CDN; /docs is tally's own offline page
        docs_url=None,
        redoc_url=None,
    )
    app.state.templates = Jinja2Templates(directory=str(HERE / "templates"))
    app.state.pool = pool
    app.state.jobs = jobs
    app.state.caps = caps
    allowed = [*DEFAULT_HOSTS, *hosts, *filter(None, os.environ.get("TALLY_ALLOWED_HOSTS", "").split(","))]
    app.add_middleware(Guard, caps=caps, hosts=allowed, pool=pool)

    @app.exception_handler(TallyError)
    async def tally_error(request: Request, exc: TallyError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=status_of(exc))

    @app.exception_handler(Busy)
    async def busy(request: Request, exc: Busy) -> JSONResponse:
        return JSONResponse(
            {"detail": exc.detail}, status_code=exc.status, headers={"Retry-After": str(exc.retry_after)}
        )

    @app.exception_handler(JobFailed)
    async def job_failed(request: Request, exc: JobFailed) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status)

    @app.exception_handler(Exception)
    async def bug(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse(
            {"detail": f"internal error: {type(exc).__name__}: {exc} (please report it)"}, status_code=500
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()) if p != 'body')}: {e.get('msg')}"
            for e in exc.errors()
        )
        return JSONResponse(
            {"detail": problems or "invalid request", "errors": _plain(exc.errors())}, status_code=422
        )

    @app.get("/static/vendor/plotly.min.js", include_in_schema=False)
    def plotly_bundle() -> FileResponse:
        return FileResponse(plotly_js(), media_type="application/javascript")

    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    app.include_router(api_router)
    app.include_router(analysis_router)
    app.include_router(page_router)
    app.include_router(audit_router)
    install_error_pages(app)  # last: it wraps the handlers above for page routes

    return app


def _plain(errors: object) -> object:
    """Validation errors made JSON-safe (pydantic may put exceptions in ``ctx``)."""
    import json

    return json.loads(json.dumps(errors, default=str))
