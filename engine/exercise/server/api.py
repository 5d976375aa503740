"""The JSON API the pages use (also documented at ``/openapi.json`` and ``/docs``).

    POST   /api/join            {"name"} -> {"trainee_id", "token"}
    GET    /api/state           (anyone) {"move", "moves", "injects", ...}: what is released so far
    POST   /api/answers         (trainee) {"move", "paragraph", "kind", "subject", "status"?, "due"?} -> 201
    GET    /api/answers         (trainee) their own answers
    DELETE /api/answers/{id}    (trainee) withdraw one of their answers while its move is open
    POST   /api/moves/next      (controller) close the open move and release the next
    POST   /api/moves/close     (controller) close the open move
    POST   /api/injects         (controller) {"event_id"}: release a contingency inject of the open move
    GET    /api/scores          (controller) the JSON of `exercise score`, over the moves closed so far

Input is validated here, at the boundary, by pydantic models; a request that does not fit where the exercise
stands is 409, one that names an unknown paragraph, kind, status or actor is 422, each with ``{"detail"}``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from ..model import MAX_MOVES
from .auth import TRAINEE_COOKIE, Who, anyone, controller, trainee
from .session import MAX_NAME, Conflict, Invalid, Session
from .store import Trainee

MAX_FIELD = 200  # characters in one field of an answer

router = APIRouter(prefix="/api")


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class JoinIn(_In):
    name: str = Field(min_length=1, max_length=MAX_NAME, description="the trainee's name, shown to the controller")


class JoinOut(BaseModel):
    trainee_id: int
    token: str = Field(description="send it as `Authorization: Bearer TOKEN`")


class AnswerIn(_In):
    move: int = Field(ge=1, le=MAX_MOVES)
    paragraph: str | int = Field(description='as in the coverage list: "4", "20(c)(ii)"')
    kind: str = Field(max_length=40, description="obligation (or duty), authorization, eligibility, breach, ...")
    subject: str = Field(min_length=1, max_length=MAX_FIELD, description="an actor by name, alias or id")
    status: str | None = Field(default=None, max_length=40)
    due: str | None = Field(default=None, max_length=40, description="YYYY-MM-DD")


class AnswerOut(BaseModel):
    answer_id: int


class OwnAnswer(BaseModel):
    answer_id: int
    move: int
    paragraph: str
    kind: str
    subject: str
    status: str | None
    due: str | None


class InjectIn(_In):
    event_id: str = Field(min_length=1, max_length=MAX_FIELD)


class MoveOut(BaseModel):
    move: int
    name: str


class InjectOut(BaseModel):
    id: str | None
    type: str
    at: str
    when: str
    fields: dict[str, str]
    move: int


class ContingencyOut(BaseModel):
    id: str | None
    move: int
    released: bool


class StateOut(BaseModel):
    move: int = Field(description="the move released last (0: none yet)")
    closed: int = Field(description="how many moves are closed")
    total: int
    finished: bool
    moves: list[MoveOut] = Field(description="the moves released so far (the controller sees all)")
    injects: list[InjectOut] = Field(description="the events released so far, never a later one")
    contingency: list[ContingencyOut] | None = Field(default=None, description="controller only")


async def _session(request: Request) -> Session:
    session: Session = request.app.state.session
    return session


def _call(function: Any, *args: Any) -> Any:
    try:
        return function(*args)
    except Conflict as exc:
        raise HTTPException(409, str(exc)) from None
    except Invalid as exc:
        raise HTTPException(422, str(exc)) from None


SessionDep = Annotated[Session, Depends(_session)]


@router.post("/join", response_model=JoinOut, status_code=201)
async def join(body: JoinIn, session: SessionDep, response: Response) -> JoinOut:
    """Join the exercise with a name; the token identifies the trainee from then on."""
    person, token = _call(session.join, body.name)
    response.set_cookie(TRAINEE_COOKIE, token, httponly=True, samesite="strict", path="/")
    return JoinOut(trainee_id=person.id, token=token)


@router.get("/state", response_model=StateOut, response_model_exclude_none=True)
async def state(session: SessionDep, who: Annotated[Who, Depends(anyone)]) -> dict[str, Any]:
    """The moves and injects released so far; the controller also sees the moves to come."""
    return session.state(controller=who.controller)


@router.post("/answers", response_model=AnswerOut, status_code=201,
             responses={409: {"description": "the move is not open"}, 422: {"description": "unknown name"}})
async def answer(body: AnswerIn, session: SessionDep, person: Annotated[Trainee, Depends(trainee)]) -> AnswerOut:
    """Give one answer to the open move; it is stored before the reply."""
    answer_id = _call(session.answer, person, body.model_dump(exclude_none=True))
    return AnswerOut(answer_id=answer_id)


@router.get("/answers", response_model=list[OwnAnswer])
async def own_answers(session: SessionDep, person: Annotated[Trainee, Depends(trainee)]) -> list[OwnAnswer]:
    """The trainee's own answers, in the order given."""
    return [OwnAnswer(answer_id=a.id, move=a.move, paragraph=a.paragraph, kind=a.kind, subject=a.subject,
                      status=a.status, due=a.due) for a in session.own_answers(person)]


@router.delete("/answers/{answer_id}", status_code=204)
async def withdraw(answer_id: int, session: SessionDep, person: Annotated[Trainee, Depends(trainee)]) -> Response:
    """Withdraw one of the trainee's answers while its move is open."""
    _call(session.withdraw, person, answer_id)
    return Response(status_code=204)


@router.post("/moves/next", response_model=StateOut, response_model_exclude_none=True,
             dependencies=[Depends(controller)])
def next_move(session: SessionDep) -> dict[str, Any]:
    """Close the open move and release the next one (on the last move, close it: the exercise is over)."""
    _call(session.next_move)
    return session.state(controller=True)


@router.post("/moves/close", response_model=StateOut, response_model_exclude_none=True,
             dependencies=[Depends(controller)])
def close_move(session: SessionDep) -> dict[str, Any]:
    """Close the open move: answers stop and each trainee sees their score for it."""
    _call(session.close_move)
    return session.state(controller=True)


@router.post("/injects", response_model=StateOut, response_model_exclude_none=True,
             dependencies=[Depends(controller)])
def release_inject(body: InjectIn, session: SessionDep) -> dict[str, Any]:
    """Release a contingency inject of the open move."""
    _call(session.release_inject, body.event_id)
    return session.state(controller=True)


@router.get("/scores", dependencies=[Depends(controller)],
            responses={200: {"description": 'the JSON of `exercise score`: {"trainees": [...]}'}})
def scores(session: SessionDep) -> Response:
    """Every trainee's score over the moves closed so far: the JSON of `obligations exercise score`."""
    return Response(session.scores().to_json(), media_type="application/json")
