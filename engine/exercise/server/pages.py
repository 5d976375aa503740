"""The pages: a trainee's (join, then briefing, injects, answer form, own answers and scores) and the
controller's (briefing, moves and their key, release and close, who joined and answered, live scores).

Server-rendered with Jinja2, autoescaped: every text from the exercise, the scenario or a trainee is escaped.
The pages call the JSON API with a little JavaScript (``static/app.js``): the forms post JSON, and each page
polls so that a released move or a new answer shows within a few seconds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from .. import choices
from .auth import CONTROLLER_COOKIE, TRAINEE_COOKIE, Who, controller, identify, who_controller
from .session import Session
from .store import Trainee

POLL_SECONDS = 3  # how often a page asks whether something changed
PARAGRAPH_LABEL = 70  # characters of a paragraph's words shown beside its number in the form

_templates = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
                                autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
                                lstrip_blocks=True)

router = APIRouter(include_in_schema=False)


def _session(request: Request) -> Session:
    session: Session = request.app.state.session
    return session


def _page(name: str, request: Request, status: int = 200, **context: Any) -> HTMLResponse:
    session = _session(request)
    html = _templates.get_template(name).render(exercise=session.exercise, poll=POLL_SECONDS, **context)
    return HTMLResponse(html, status_code=status)


def _message(request: Request, title: str, text: str, status: int) -> HTMLResponse:
    return _page("message.html", request, status=status, title=title, text=text)


def _who(request: Request, cookie: str) -> Who | None:
    return identify(_session(request), request.cookies.get(cookie))


def _label(text: str) -> str:
    words = " ".join(text.split())
    return words if len(words) <= PARAGRAPH_LABEL else words[:PARAGRAPH_LABEL - 1].rstrip() + "…"


def _choices(session: Session) -> dict[str, Any]:
    found = choices(session.engine)
    pack = session.engine.pack
    return {"paragraphs": [(p, _label(pack.paragraph(p).text)) for p in found.paragraphs], "kinds": found.kinds,
            "statuses": found.statuses, "actors": found.actors}


@router.get("/")
def home(request: Request) -> Response:
    who = _who(request, TRAINEE_COOKIE)
    return RedirectResponse("/trainee" if who and who.trainee else "/join", status_code=303)


@router.get("/join")
def join_page(request: Request) -> Response:
    who = _who(request, TRAINEE_COOKIE)
    if who is not None and who.trainee is not None:
        return RedirectResponse("/trainee", status_code=303)
    return _page("join.html", request)


@router.get("/trainee")
def trainee_page(request: Request) -> Response:
    who = _who(request, TRAINEE_COOKIE)
    if who is None or who.trainee is None:
        return RedirectResponse("/join", status_code=303)
    return _page("trainee.html", request, **_trainee_view(_session(request), who.trainee))


def _trainee_view(session: Session, person: Trainee) -> dict[str, Any]:
    progress = session.progress()
    state = session.state(controller=False)
    answers = session.own_answers(person)
    results = {m.move: m for m in session.own_score(person).moves}
    pack = session.engine.pack
    moves = []
    for move in state["moves"]:
        number = move["move"]
        moves.append({**move, "open": number == progress.move and not progress.closed,
                      "injects": [i for i in state["injects"] if i["move"] == number],
                      "answers": [a for a in answers if a.move == number], "result": results.get(number)})
    return {"trainee": person, "state": state, "moves": moves, "choices": _choices(session),
            "actor": pack.actors.name_of, "words": lambda p: " ".join(pack.paragraph(p).text.split()),
            "own_score": session.own_score(person) if session.closed_moves(progress) else None}


@router.get("/controller")
def controller_page(request: Request, token: str | None = None) -> Response:
    session = _session(request)
    if token is not None:
        who = identify(session, token)
        if who is None or not who.controller:
            return _message(request, "Not the controller's link",
                            "This link does not open the controller's page. Use the URL the server printed.", 403)
        response = RedirectResponse("/controller", status_code=303)  # the token leaves the address bar
        response.set_cookie(CONTROLLER_COOKIE, token, httponly=True, samesite="strict", path="/")
        return response
    try:
        who_controller(request)
    except HTTPException as exc:
        return _message(request, "The controller's page",
                        "Open the controller URL the server printed when it started (it carries the token).",
                        exc.status_code)
    return _page("controller.html", request, **_controller_view(request, session))


def _controller_view(request: Request, session: Session) -> dict[str, Any]:
    progress = session.progress()
    key = session.key()
    pack = session.engine.pack
    injects = session.injects(session.total)
    return {"state": session.state(controller=True), "progress": progress, "key": key,
            "injects": {m.number: [i for i in injects if i["move"] == m.number] for m in session.exercise.moves},
            "closed": session.closed_moves(progress), "finished": session.finished(progress),
            "actor": pack.actors.name_of, "join_url": str(request.base_url) + "join",
            **_live_view(session)}


def _live_view(session: Session) -> dict[str, Any]:
    progress = session.progress()
    scores = {t.path: t for t in session.scores().trainees}
    answered = session.answered()
    rows = [{"trainee": t, "answered": answered.get(t.id, {}), "score": scores.get(f"trainee {t.id}")}
            for t in session.store.trainees()]
    return {"rows": rows, "total": session.total, "current": progress.move, "closed": session.closed_moves(progress)}


@router.get("/controller/live", dependencies=[Depends(controller)])
def controller_live(request: Request) -> Response:
    """The part of the controller's page that changes as trainees join and answer."""
    return _page("_live.html", request, **_live_view(_session(request)))
