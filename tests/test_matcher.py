"""The durable-rules wrapper: facts fire every rule, ids never share a hash, one session at a time."""

from __future__ import annotations

from typing import Any

import pytest

from engine.errors import MatcherError
from engine.replay.matcher import Matcher, fnv1a_32

RULES = {
    "open": {"all": [{"m": {"type": "__open__"}}]},
    "first": {"all": [{"m": {"type": "attack"}}]},
    "second": {"all": [{"m": {"$and": [{"type": "attack"}, {"$gt": {"n": 5}}]}}]},
    "join": {"all": [{"a": {"type": "threat"}}, {"b": {"$and": [{"type": "request"}, {"inc": {"a": "inc"}}]}}]},
}


def test_fnv1a_matches_the_known_collision_durable_rules_suffers() -> None:
    # the pair shown in shared/probes/durable-rules/hash_collisions.py
    assert fnv1a_32("scenario-139599") == fnv1a_32("scenario-322382")
    assert fnv1a_32("a") != fnv1a_32("b")


def test_one_fact_fires_every_rule_it_matches() -> None:
    with Matcher(RULES).session() as session:
        fired = sorted(name for name, _ in session.assert_fact({"type": "attack", "n": 7}))
    assert fired == ["first", "second"]


def test_a_join_fires_once_its_partner_arrives_and_not_after_retraction() -> None:
    with Matcher(RULES).session() as session:
        threat = {"type": "threat", "inc": "x"}
        assert session.assert_fact(threat) == []
        fired = session.assert_fact({"type": "request", "inc": "x"})
        assert [name for name, _ in fired] == ["join"]
        session.retract_fact(threat)
        assert session.assert_fact({"type": "request", "inc": "x"}) == []


def test_message_ids_alive_in_a_session_never_share_a_hash() -> None:
    with Matcher(RULES).session() as session:
        ids = set()
        for _ in range(5000):
            message = {"type": "threat", "inc": "kept"}  # stored: it meets the join's first condition
            session.assert_fact(message)
            ids.add(message["id"])
        assert session.live_facts == 5001
        assert len({fnv1a_32(i) for i in ids}) == len(ids)


def test_a_fact_that_meets_no_condition_is_not_stored_and_frees_its_id() -> None:
    with Matcher(RULES).session() as session:
        message = {"type": "noise"}
        assert session.assert_fact(message) is None
        assert session.live_facts == 1  # the opening fact only
        with pytest.raises(MatcherError, match="not live"):
            session.retract_fact(message)


def test_an_id_whose_hash_is_taken_is_skipped() -> None:
    with Matcher(RULES).session() as session:
        session._hashes.add(fnv1a_32("2"))  # pretend "2" collides with a live id
        message = {"type": "threat", "inc": "x"}
        session.assert_fact(message)
        assert message["id"] == "3"


def test_a_second_live_session_is_refused() -> None:
    matcher = Matcher(RULES)
    with matcher.session(), pytest.raises(MatcherError, match="already live"), matcher.session():
        pass


def test_a_session_is_deleted_even_when_the_block_fails() -> None:
    matcher = Matcher(RULES)
    with pytest.raises(RuntimeError), matcher.session():
        raise RuntimeError("boom")
    with matcher.session() as session:  # a new session can start: the first was closed
        assert session.assert_fact({"type": "attack", "n": 1}) == [("first", {"m": {
            "type": "attack", "n": 1, "sid": session.sid, "id": "2"}})]


def test_a_durable_rules_failure_becomes_a_matcher_error() -> None:
    with pytest.raises(MatcherError, match="durable-rules failed"):
        Matcher({"bad": {"all": "not a list"}})


def test_the_id_of_a_fact_that_is_gone_is_given_again_so_ids_follow_the_live_facts() -> None:
    with Matcher(RULES).session() as session:
        noise = [{"type": "noise"} for _ in range(1000)]
        for message in noise:
            assert session.assert_fact(message) is None
        assert {message["id"] for message in noise} == {"2"}  # turned away: its id is free again at once
        kept = {"type": "threat", "inc": "x"}
        session.assert_fact(kept)
        session.retract_fact(kept)
        again = {"type": "threat", "inc": "y"}
        session.assert_fact(again)
        assert again["id"] == kept["id"]
        assert [name for name, _ in session.assert_fact({"type": "request", "inc": "y"})] == ["join"]
        assert session.assert_fact({"type": "request", "inc": "x"}) == []  # the retracted fact joins nothing


def test_a_replay_of_many_facts_that_engage_nothing_does_not_grow_the_table_of_id_hashes(monkeypatch: Any) -> None:
    from engine import Engine
    from engine.replay import matcher

    engine = Engine()
    events = "\n".join(f"  - {{at: 2017-07-01T{i // 60:02d}:{i % 60:02d}Z, type: deployment, military: {1000 + i}}}"
                       for i in range(1440))
    monkeypatch.setattr(matcher, "_ID_HASHES", [])  # a fresh table: what this replay needs, from nothing
    report = engine.run(engine.parse("name: A day of deployments within the ceilings.\nevents:\n" + events,
                                     path="inline.yaml"))
    assert report.stats["events"] == 1440
    assert len(matcher._ID_HASHES) <= 10
