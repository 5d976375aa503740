"""The exercise server's JSON API and pages, through the framework's test client."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from engine.exercise import AnswerSheet, Scores, answer_key, parse_answer, score

Headers = dict[str, str]
EXERCISE = Path(__file__).resolve().parent.parent / "exercises" / "timbuktu-2018.yaml"  # the session's (conftest)


def bearer(token: str) -> Headers:
    return {"Authorization": f"Bearer {token}"}


def join(api: Any, name: str) -> Headers:
    response = api.post("/api/join", json={"name": name})
    assert response.status_code == 201, response.text
    api.cookies.clear()  # each call says who it is
    return bearer(response.json()["token"])


@pytest.fixture
def controller(server_session: Any) -> Headers:
    return bearer(server_session.store.controller_token)


def release(api: Any, controller: Headers, times: int = 1) -> dict[str, Any]:
    state: dict[str, Any] = {}
    for _ in range(times):
        response = api.post("/api/moves/next", headers=controller)
        assert response.status_code == 200, response.text
        state = response.json()
    return state


def answer(api: Any, who: Headers, **fields: Any) -> Any:
    return api.post("/api/answers", headers=who, json=fields)


def key_answers(server_session: Any, move: int) -> list[dict[str, Any]]:
    """Answers that give move ``move``'s key exactly (status and due included)."""
    key = answer_key(server_session.engine, server_session.exercise)
    return [{"move": move, "paragraph": f.paragraph, "kind": f.kind, "subject": f.subject, "status": f.status,
             **({"due": f.due} if f.due else {})} for f in key.move(move).expected]


def test_joining_gives_an_id_and_a_random_token(api: Any) -> None:
    first = api.post("/api/join", json={"name": "Capt. Diallo"}).json()
    second = api.post("/api/join", json={"name": "Lt. Traoré"}).json()
    assert first["trainee_id"] != second["trainee_id"]
    assert first["token"] != second["token"] and len(first["token"]) >= 32


def test_a_name_already_taken_is_a_conflict_and_an_empty_one_is_refused(api: Any) -> None:
    join(api, "Capt. Diallo")
    assert api.post("/api/join", json={"name": "  Capt.   Diallo "}).status_code == 409
    assert api.post("/api/join", json={"name": "   "}).status_code == 422
    assert api.post("/api/join", json={"name": "x" * 81}).status_code == 422


def test_before_the_first_move_a_trainee_sees_no_move_and_no_inject(api: Any, controller: Headers) -> None:
    trainee = join(api, "Capt. Diallo")
    state = api.get("/api/state", headers=trainee).json()
    assert (state["move"], state["moves"], state["injects"]) == (0, [], [])
    assert "contingency" not in state
    everything = api.get("/api/state", headers=controller).json()
    assert [m["move"] for m in everything["moves"]] == [1, 2, 3, 4]


def test_a_trainee_sees_only_the_injects_released_so_far(api: Any, controller: Headers,
                                                         server_session: Any) -> None:
    trainee = join(api, "Capt. Diallo")
    release(api, controller, 2)
    state = api.get("/api/state", headers=trainee).json()
    exercise = server_session.exercise
    released = [e.id for n in (1, 2) for e in exercise.injects(n)]
    later = [e.id for n in (3, 4) for e in exercise.injects(n)]
    assert [i["id"] for i in state["injects"]] == released
    assert not set(later) & {i["id"] for i in state["injects"]}
    assert [m["name"] for m in state["moves"]] == [exercise.move(1).name, exercise.move(2).name]
    assert all(i["at"] <= exercise.move(2).until_text for i in state["injects"])


def test_an_answer_to_the_open_move_is_stored_and_shown_back_to_its_author(api: Any, controller: Headers) -> None:
    trainee = join(api, "Capt. Diallo")
    release(api, controller)
    response = answer(api, trainee, move=1, paragraph="20(d)", kind="authorization", subject="MINUSMA",
                      status="granted", due="2018-06-30")
    assert response.status_code == 201
    own = api.get("/api/answers", headers=trainee).json()
    assert own == [{"answer_id": response.json()["answer_id"], "move": 1, "paragraph": "20(d)",
                    "kind": "authorization", "subject": "minusma", "status": "granted", "due": "2018-06-30"}]


def test_an_answer_to_a_move_not_yet_released_or_closed_is_a_conflict(api: Any, controller: Headers) -> None:
    trainee = join(api, "Capt. Diallo")
    fields = {"paragraph": "20(d)", "kind": "authorization", "subject": "MINUSMA"}
    early = answer(api, trainee, move=1, **fields)
    assert early.status_code == 409 and "not been released" in early.json()["detail"]
    release(api, controller, 2)
    late = answer(api, trainee, move=1, **fields)
    assert late.status_code == 409 and "closed" in late.json()["detail"]
    assert answer(api, trainee, move=3, **fields).status_code == 409


@pytest.mark.parametrize(("field", "value", "reason"), [
    ("paragraph", "99", "unknown paragraph"),
    ("kind", "promise", "unknown kind"),
    ("subject", "Atlantis", "unknown actor"),
    ("status", "sleeping", "unknown status"),
    ("due", "next week", "not a date"),
    ("move", 9, "4 moves"),
])
def test_an_unknown_paragraph_kind_actor_status_or_date_is_refused_with_the_reason(
        api: Any, controller: Headers, field: str, value: Any, reason: str) -> None:
    trainee = join(api, "Capt. Diallo")
    release(api, controller)
    fields: dict[str, Any] = {"move": 1, "paragraph": "20(d)", "kind": "authorization", "subject": "MINUSMA"}
    fields[field] = value
    response = answer(api, trainee, **fields)
    assert response.status_code == 422
    assert reason in response.json()["detail"]


def test_a_malformed_answer_is_refused_at_the_boundary(api: Any, controller: Headers) -> None:
    trainee = join(api, "Capt. Diallo")
    release(api, controller)
    base = {"move": 1, "paragraph": "20(d)", "kind": "authorization", "subject": "MINUSMA"}
    assert answer(api, trainee, **{**base, "move": 0}).status_code == 422
    assert answer(api, trainee, **{**base, "colour": "red"}).status_code == 422
    assert answer(api, trainee, **{k: v for k, v in base.items() if k != "kind"}).status_code == 422
    assert answer(api, trainee, **{**base, "subject": "x" * 5000}).status_code == 422
    assert api.get("/api/answers", headers=trainee).json() == []


def test_a_request_body_over_the_limit_is_refused_before_it_is_read(api: Any) -> None:
    trainee = join(api, "Capt. Diallo")
    response = api.post("/api/answers", headers={**trainee, "Content-Type": "application/json"},
                        content=b'{"move": 1, "note": "' + b"x" * 20_000 + b'"}')
    assert response.status_code == 413


@pytest.mark.parametrize(("method", "path"), [
    ("post", "/api/moves/next"), ("post", "/api/moves/close"), ("post", "/api/injects"), ("get", "/api/scores"),
    ("get", "/debrief"), ("get", "/controller/live"),
])
def test_a_trainees_token_on_a_controller_route_is_forbidden_and_no_token_is_unauthorized(
        api: Any, method: str, path: str) -> None:
    trainee = join(api, "Capt. Diallo")
    body = {"json": {"event_id": "tbk-second-threat"}} if path == "/api/injects" else {}
    assert getattr(api, method)(path, headers=trainee, **body).status_code == 403
    assert getattr(api, method)(path, **body).status_code == 401
    assert getattr(api, method)(path, headers=bearer("not-a-token"), **body).status_code == 401


def test_the_controllers_token_cannot_answer(api: Any, controller: Headers) -> None:
    release(api, controller)
    response = answer(api, controller, move=1, paragraph="20(d)", kind="authorization", subject="MINUSMA")
    assert response.status_code == 403


def test_a_trainee_sees_only_their_own_answers(api: Any, controller: Headers) -> None:
    first, second = join(api, "Capt. Diallo"), join(api, "Lt. Traoré")
    release(api, controller)
    answer(api, first, move=1, paragraph="20(d)", kind="authorization", subject="MINUSMA")
    answer(api, second, move=1, paragraph="47", kind="obligation", subject="Secretary-General")
    assert [a["paragraph"] for a in api.get("/api/answers", headers=first).json()] == ["20(d)"]
    assert [a["paragraph"] for a in api.get("/api/answers", headers=second).json()] == ["47"]


def test_a_trainee_may_withdraw_an_answer_only_while_its_move_is_open(api: Any, controller: Headers) -> None:
    trainee, other = join(api, "Capt. Diallo"), join(api, "Lt. Traoré")
    release(api, controller)
    kept = answer(api, trainee, move=1, paragraph="20(d)", kind="authorization", subject="MINUSMA").json()
    gone = answer(api, trainee, move=1, paragraph="4", kind="eligibility", subject="JNIM").json()
    assert api.delete(f"/api/answers/{gone['answer_id']}", headers=other).status_code == 422
    assert api.delete(f"/api/answers/{gone['answer_id']}", headers=trainee).status_code == 204
    release(api, controller)
    assert api.delete(f"/api/answers/{kept['answer_id']}", headers=trainee).status_code == 409
    assert [a["answer_id"] for a in api.get("/api/answers", headers=trainee).json()] == [kept["answer_id"]]


def test_scores_are_those_of_exercise_score_over_the_closed_moves(api: Any, controller: Headers,
                                                                  server_session: Any) -> None:
    perfect, _idle = join(api, "Capt. Diallo"), join(api, "Lt. Traoré")
    release(api, controller)
    for fields in key_answers(server_session, 1):
        assert answer(api, perfect, **fields).status_code == 201
    assert api.get("/api/scores", headers=controller).json() == {"trainees": [
        {"trainee": "Capt. Diallo", "score": 100.0, "moves": []}, {"trainee": "Lt. Traoré", "score": 100.0,
                                                                   "moves": []}]}
    api.post("/api/moves/close", headers=controller)
    got = api.get("/api/scores", headers=controller).json()
    assert [(t["trainee"], t["score"]) for t in got["trainees"]] == [("Capt. Diallo", 100.0), ("Lt. Traoré", 0.0)]
    engine, exercise = server_session.engine, server_session.exercise
    key = answer_key(engine, exercise)
    sheets = [AnswerSheet(trainee="Capt. Diallo", answers=tuple(parse_answer(a, engine, exercise)
                                                                for a in key_answers(server_session, 1))),
              AnswerSheet(trainee="Lt. Traoré", answers=())]
    whole: Scores = score(key, sheets)
    assert got["trainees"][0]["moves"] == [whole.as_dict()["trainees"][0]["moves"][0]]


def test_releasing_past_the_last_move_ends_the_exercise_and_then_conflicts(api: Any, controller: Headers) -> None:
    state = release(api, controller, 5)
    assert (state["move"], state["closed"], state["finished"]) == (4, 4, True)
    assert api.post("/api/moves/next", headers=controller).status_code == 409
    assert api.post("/api/moves/close", headers=controller).status_code == 409


def test_a_contingency_inject_is_released_only_in_its_open_move_and_once(api: Any, controller: Headers) -> None:
    trainee = join(api, "Capt. Diallo")
    inject = {"event_id": "tbk-second-threat"}
    assert api.post("/api/injects", headers=controller, json=inject).status_code == 409  # move 2 not open
    assert api.post("/api/injects", headers=controller, json={"event_id": "nothing"}).status_code == 422
    release(api, controller, 2)
    before = api.get("/api/state", headers=trainee).json()
    assert "tbk-second-threat" not in {i["id"] for i in before["injects"]}
    state = api.post("/api/injects", headers=controller, json=inject).json()
    assert next(c for c in state["contingency"] if c["id"] == "tbk-second-threat")["released"] is True
    after = api.get("/api/state", headers=trainee).json()
    assert [i["move"] for i in after["injects"] if i["id"] == "tbk-second-threat"] == [2]
    assert api.post("/api/injects", headers=controller, json=inject).status_code == 409


def test_no_trainee_response_holds_the_key_of_an_open_move(api: Any, controller: Headers,
                                                           server_session: Any) -> None:
    trainee = join(api, "Capt. Diallo")
    release(api, controller)
    api.cookies.set("trainee", trainee["Authorization"].split()[1])
    seen = api.get("/api/state", headers=trainee).text + api.get("/trainee").text
    key = answer_key(server_session.engine, server_session.exercise)
    for finding in key.move(1).expected:
        assert finding.id not in seen
        assert finding.explanation not in seen


def test_after_a_move_closes_a_trainee_sees_their_score_and_what_they_missed(api: Any, controller: Headers,
                                                                             server_session: Any) -> None:
    trainee = join(api, "Capt. Diallo")
    release(api, controller)
    first, *missed = key_answers(server_session, 1)
    answer(api, trainee, **first)
    release(api, controller)
    api.cookies.set("trainee", trainee["Authorization"].split()[1])
    page = api.get("/trainee").text
    assert "Your score for this move" in page
    key = answer_key(server_session.engine, server_session.exercise)
    for finding in key.move(1).expected[1:]:
        assert f"Paragraph {finding.paragraph}" in page
    assert missed


def test_every_text_a_trainee_gives_is_escaped_in_the_pages(api: Any, controller: Headers) -> None:
    name = '<script>alert("x")</script>'
    trainee = join(api, name)
    api.cookies.set("trainee", trainee["Authorization"].split()[1])
    assert name not in api.get("/trainee").text
    api.cookies.clear()
    live = api.get("/controller/live", headers=controller).text
    assert name not in live and "&lt;script&gt;" in live


def test_the_controllers_url_sets_a_cookie_and_leaves_the_token_out_of_the_address(
        api: Any, server_session: Any) -> None:
    token = server_session.store.controller_token
    response = api.get(f"/controller?token={token}", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/controller"
    assert "httponly" in response.headers["set-cookie"].lower()
    assert "samesite=strict" in response.headers["set-cookie"].lower()
    page = api.get("/controller")
    assert page.status_code == 200 and token not in page.text
    api.cookies.clear()
    assert api.get("/controller?token=wrong").status_code == 403


def test_a_joined_trainee_is_sent_from_the_join_page_to_their_own(api: Any) -> None:
    assert api.get("/", follow_redirects=False).headers["location"] == "/join"
    response = api.post("/api/join", json={"name": "Capt. Diallo"})
    assert "trainee=" in response.headers["set-cookie"]
    assert api.get("/join", follow_redirects=False).headers["location"] == "/trainee"


def test_pages_forbid_framing_and_outside_resources(api: Any) -> None:
    response = api.get("/join")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["cache-control"] == "no-store"


def test_the_api_is_described_at_openapi_json(api: Any) -> None:
    paths = json.loads(api.get("/openapi.json").text)["paths"]
    for path in ("/api/join", "/api/state", "/api/answers", "/api/moves/next", "/api/scores", "/debrief"):
        assert path in paths
    assert "/trainee" not in paths
    assert api.get("/docs").status_code == 404  # its page would load scripts from elsewhere


def test_no_route_gives_a_trainee_the_key_another_trainees_answers_or_a_later_inject(
        api: Any, controller: Headers, server_session: Any) -> None:
    from fastapi.routing import APIRoute

    from engine.exercise.server import api as api_routes
    from engine.exercise.server import pages

    me, other = join(api, "Capt. Diallo"), join(api, "Lt. Secret-Name")
    release(api, controller)
    answer(api, other, move=1, paragraph="37", kind="authorization", subject="French forces", status="exercised")
    key = answer_key(server_session.engine, server_session.exercise)
    secrets = [f.id for m in key.moves for f in m.expected] + [f.explanation for m in key.moves for f in m.expected]
    secrets.append("Lt. Secret-Name")
    secrets += [e.id for n in (2, 3, 4) for e in server_session.exercise.injects(n) if e.id]
    secrets += [server_session.exercise.move(n).name for n in (2, 3, 4)]
    token = me["Authorization"].split()[1]
    paths = {r.path for router in (api_routes.router, pages.router) for r in router.routes
             if isinstance(r, APIRoute) and "GET" in r.methods}
    paths |= {"/debrief", "/static/app.js", "/static/style.css", "/openapi.json"}
    assert {"/api/state", "/api/answers", "/trainee", "/api/scores", "/debrief"} <= paths
    for path in sorted(paths):
        for how in ("bearer", "cookie"):
            api.cookies.clear()
            if how == "cookie":
                api.cookies.set("trainee", token)
            response = api.get(path, headers=me if how == "bearer" else {})
            seen = response.text
            leaked = [s for s in secrets if s and s in seen]
            assert not leaked, f"{path} ({how}, {response.status_code}) shows {leaked[:3]}"


def test_a_debrief_whose_timeline_would_draw_too_many_events_is_refused_as_bad_input_before_any_scoring(
        api: Any, controller: Headers, server_session: Any, cli: Any, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, spy: Any) -> None:
    from engine.exercise.server.session import Session
    from engine.outputs import plot

    release(api, controller, times=len(server_session.exercise.moves))  # every move closed: all would be scored
    scored = spy(Session, "scores", 0)
    monkeypatch.setattr(plot, "MAX_EVENTS_DRAWN", 3)
    refused = api.get("/debrief", headers=controller)
    assert (refused.status_code, scored) == (422, [])
    sheet = tmp_path / "sheet.yaml"
    sheet.write_text("trainee: Lt. Traore\nanswers: []\n", encoding="utf-8")
    command = cli("exercise", "debrief", str(EXERCISE), str(sheet), "-o", str(tmp_path / "debrief.html"))
    assert command.code == 2
    assert refused.json() == {"detail": command.err.strip()}  # the words of `exercise debrief`
    assert "more than 3 events" in command.err and "MAX_EVENTS_DRAWN" in command.err
    monkeypatch.setattr(plot, "MAX_EVENTS_DRAWN", 1000)
    drawn = api.get("/debrief", headers=controller)
    assert drawn.status_code == 200 and "<svg" in drawn.text and len(scored) == 1
