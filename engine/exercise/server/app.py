"""The web application: the JSON API, the pages, the static files and the debrief, on one exercise.

Built on FastAPI (Starlette underneath, served by uvicorn): it validates requests with the pydantic models the
engine already uses, publishes the API at ``/openapi.json``, and comes with a test client. Every response says
``Cache-Control: no-store``; pages forbid framing and load nothing from elsewhere; a request body over
:data:`MAX_BODY` bytes is refused (413) before it is read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ...errors import InputError
from .. import Exercise, load_exercise
from . import api, pages
from .auth import controller
from .session import Session
from .store import Store

MAX_BODY = 16 * 1024  # bytes in one request body: an answer is a few hundred
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")


def default_db(exercise_path: Path | str) -> Path:
    """The database beside the exercise: ``exercises/timbuktu-2018.yaml`` → ``exercises/timbuktu-2018.sqlite``."""
    return Path(exercise_path).with_suffix(".sqlite")


def open_session(engine: Any, exercise_path: Path | str, db: Path | str | None = None) -> Session:
    """Load the exercise and open (or create) its database."""
    exercise: Exercise = load_exercise(exercise_path, engine)
    store = Store(db or default_db(exercise_path), exercise=exercise.name)
    return Session(engine, exercise, store)


def _reason(exc: RequestValidationError) -> str:
    reasons = []
    for error in exc.errors()[:3]:
        where = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
        reasons.append(f"{where}: {error.get('msg', 'invalid')}" if where else str(error.get("msg", "invalid")))
    return "; ".join(reasons) or "invalid request"


def create_app(session: Session) -> FastAPI:
    """The application serving ``session``."""
    app = FastAPI(title="Exercise server", version="1", docs_url=None, redoc_url=None,  # their pages load scripts
                  # from a CDN, which the pages' policy (and a room without the Internet) would refuse
                  description=f"The exercise {session.exercise.name!r}: trainees join, answer each released move, "
                              "and are scored against the engine's findings.")
    app.state.session = session

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _reason(exc)}, status_code=422)

    app.include_router(api.router)
    app.include_router(pages.router)

    @app.get("/debrief", response_class=HTMLResponse, dependencies=[Depends(controller)],
             responses={200: {"content": {"text/html": {}}, "description": "the debrief page"},
                        422: {"description": "a timeline of more events than a picture draws (MAX_EVENTS_DRAWN)"}})
    def debrief() -> HTMLResponse:
        """The debrief (the page of `obligations exercise debrief`) from the answers given so far; bad input
        (422, the message of `exercise debrief`) if its timeline would draw too many events."""
        from .debrief import debrief_html

        try:
            return HTMLResponse(debrief_html(session))
        except InputError as exc:
            raise HTTPException(422, str(exc)) from None

    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    app.add_middleware(_Guard)
    return app


class _Guard:
    """Refuses request bodies over :data:`MAX_BODY` (413; 411 without a length) and adds the headers every
    response carries (a plain ASGI middleware: no extra task per request)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if scope["method"] in ("POST", "PUT", "PATCH", "DELETE"):
            length = headers.get("content-length")
            refusal = None
            if length is None and "chunked" in headers.get("transfer-encoding", ""):
                refusal = JSONResponse({"detail": "a request body needs a Content-Length"}, status_code=411)
            elif length is not None and (not length.isdigit() or int(length) > MAX_BODY):
                refusal = JSONResponse({"detail": f"a request body has at most {MAX_BODY} bytes"}, status_code=413)
            if refusal is not None:
                await refusal(scope, receive, send)
                return
        page = scope["path"] != "/debrief"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                out.setdefault("Cache-Control", "no-store")
                out["X-Content-Type-Options"] = "nosniff"
                out["Referrer-Policy"] = "no-referrer"
                if page and out.get("content-type", "").startswith("text/html"):
                    out["Content-Security-Policy"] = CSP
            await send(message)

        await self.app(scope, receive, send_with_headers)
