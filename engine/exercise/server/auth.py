"""Who is asking: the controller, a trainee, or nobody known.

A token comes as ``Authorization: Bearer TOKEN`` or, from the pages, in a cookie set when the controller opens
the URL the server printed (``controller``) or when a trainee joins (``trainee``). Cookies are HttpOnly and
SameSite=Strict, so another site cannot make a browser send them. An unknown token is 401; a trainee's token
on a controller route, or the controller's on a trainee's route, is 403.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from fastapi import HTTPException, Request

from .session import Session
from .store import Trainee

CONTROLLER_COOKIE = "controller"
TRAINEE_COOKIE = "trainee"


@dataclass(frozen=True)
class Who:
    """The controller (``trainee`` None) or one trainee."""

    trainee: Trainee | None

    @property
    def controller(self) -> bool:
        return self.trainee is None


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise HTTPException(401, "the Authorization header must be `Bearer TOKEN`",
                            headers={"WWW-Authenticate": "Bearer"})
    return token.strip()


def identify(session: Session, token: str | None) -> Who | None:
    """The person a token belongs to, or None."""
    if not token:
        return None
    if secrets.compare_digest(token.encode(), session.store.controller_token.encode()):
        return Who(trainee=None)
    trainee = session.store.trainee_by_token(token)
    return Who(trainee=trainee) if trainee else None


def _unknown() -> HTTPException:
    return HTTPException(401, "a token is needed: join first, or use the controller's URL",
                         headers={"WWW-Authenticate": "Bearer"})


def who_anyone(request: Request) -> Who:
    """The controller or a trainee (Bearer token first, then the controller's cookie, then a trainee's)."""
    session: Session = request.app.state.session
    token = bearer(request)
    candidates = [token] if token else [request.cookies.get(CONTROLLER_COOKIE), request.cookies.get(TRAINEE_COOKIE)]
    for candidate in candidates:
        who = identify(session, candidate)
        if who is not None:
            return who
    raise _unknown()


def who_controller(request: Request) -> Who:
    """The controller; 403 for a trainee."""
    session: Session = request.app.state.session
    token = bearer(request) or request.cookies.get(CONTROLLER_COOKIE) or request.cookies.get(TRAINEE_COOKIE)
    who = identify(session, token)
    if who is None:
        raise _unknown()
    if not who.controller:
        raise HTTPException(403, "this is the controller's; a trainee's token does not open it")
    return who


def who_trainee(request: Request) -> Trainee:
    """A trainee; 403 for the controller."""
    session: Session = request.app.state.session
    token = bearer(request) or request.cookies.get(TRAINEE_COOKIE)
    who = identify(session, token)
    if who is None:
        raise _unknown()
    if who.trainee is None:
        raise HTTPException(403, "this is a trainee's; join with a name to answer")
    return who.trainee


# As dependencies of routes: coroutines, so that checking a token (a lookup of a few microseconds) takes no trip
# through the thread pool.


async def anyone(request: Request) -> Who:
    return who_anyone(request)


async def controller(request: Request) -> Who:
    return who_controller(request)


async def trainee(request: Request) -> Trainee:
    return who_trainee(request)
