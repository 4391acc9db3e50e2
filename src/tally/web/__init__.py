"""The tally web app: catalogue, contests, the Electoral College, uploads and simulations.

``create_app()`` builds the FastAPI application; ``tally serve`` runs it with uvicorn.
Everything the pages need is served from the installed packages (plotly.js from the
plotly package), so the app works with no internet.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from .. import __version__
from ..errors import TallyError
from ..report.charts import plotly_js
from .jobs import Jobs

__all__ = ["create_app"]

HERE = Path(__file__).resolve().parent


def create_app() -> FastAPI:
    """The application: the JSON API under /api/, the pages, and their static files."""
    from .analysis import router as analysis_router
    from .api import router as api_router
    from .api import status_of
    from .error_pages import install_error_pages
    from .pages import router as page_router

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        app.state.jobs.shutdown()

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
    app.state.jobs = Jobs(workers=1)

    @app.exception_handler(TallyError)
    async def tally_error(request: Request, exc: TallyError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=status_of(exc))

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
    install_error_pages(app)  # last: it wraps the handlers above for page routes

    return app


def _plain(errors: object) -> object:
    """Validation errors made JSON-safe (pydantic may put exceptions in ``ctx``)."""
    import json

    return json.loads(json.dumps(errors, default=str))
