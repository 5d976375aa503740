"""The plain-Python checkers generated from the models' schemas: they answer as pydantic does, or leave the answer
to the next checker."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Literal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from modelstate import state
from pydantic import StringConstraints, ValidationError

from engine import Engine
from engine.dates import end_of, start_of
from engine.inputs import checkwriter, plaincheck, spill
from engine.inputs.vocabulary import EVENT_TYPES, Event, has_offset, parse_instant, sort_key
from engine.light import Light
from engine.testing.strategies import events, raw_events

_SLOW = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_START, _UNTIL = date(2017, 6, 29), date(2018, 12, 31)


def _registry() -> Any:
    return Engine().pack.actors


def _checker() -> plaincheck.PlainChecker:
    return plaincheck.PlainChecker(_registry(), start_of(_START), end_of(_UNTIL), warm=0)



def _in_common_form(raw: Any, common: bool) -> Any:
    """``raw`` with its instant rewritten as ``YYYY-MM-DDTHH:MM:SSZ`` (when ``common`` and it has one)."""
    if common and isinstance(raw, dict):
        try:
            moment = parse_instant(raw.get("at"))
        except ValueError:
            return raw
        return {**raw, "at": moment.strftime("%Y-%m-%dT%H:%M:%SZ")}
    return raw


def _expected(raw: Any) -> Event | None:
    """What ``model_validate`` gives, if the event is valid and inside the window."""
    model = EVENT_TYPES.get(raw.get("type")) if isinstance(raw, dict) and isinstance(raw.get("type"), str) else None
    try:
        expected = model.model_validate(raw, context={"actors": _registry()}) if model is not None else None
    except ValidationError:
        return None
    if expected is None or not start_of(_START) <= expected.at < end_of(_UNTIL):
        return None
    return expected


def test_every_event_type_has_a_generated_checker() -> None:
    assert all(plaincheck.maker(kind) is not None for kind in EVENT_TYPES)


def test_a_checker_makes_the_functions_of_a_type_once_it_has_met_it_enough_and_none_for_an_unknown_type() -> None:
    checker = plaincheck.PlainChecker(_registry(), start_of(_START), end_of(_UNTIL), warm=3)
    raw = {"type": "attack", "at": "2018-04-14T08:30:00Z", "target": "MINUSMA", "id": "a1"}
    assert [checker.event(raw) for _ in range(3)] == [None, None, None]  # type: ignore[func-returns-value]
    assert not checker.events and checker.events["ambush"] is None and not checker.events
    assert checker.event(raw) is not None and list(checker.events) == ["attack"]


@_SLOW
@given(raw=raw_events(), common=st.booleans())
def test_the_generated_checker_defers_or_gives_the_light_instance_of_exactly_the_event_the_model_validates(
        raw: Any, common: bool) -> None:
    raw = _in_common_form(raw, common)
    plain = _checker().event(raw)
    expected = _expected(raw)
    if expected is None:
        assert plain is None
    elif plain is not None:
        event, aware, id_, at = plain
        assert isinstance(event, Light) and state(event) == state(expected)
        assert id_ is event.id and at is event.at
        assert event == expected and expected == event and hash(event) == hash(expected)
        assert sorted([event, expected], key=sort_key) == sorted([expected, event], key=sort_key)
        assert aware == has_offset(raw["at"])


@_SLOW
@given(raw=raw_events(), common=st.booleans(), line=st.integers(1, 10**6))
def test_the_record_of_an_event_defers_or_is_the_record_of_the_event_the_model_validates(
        raw: Any, common: bool, line: int) -> None:
    raw = _in_common_form(raw, common)
    checker = _checker()
    kind = raw.get("type") if isinstance(raw, dict) else None
    make = checker.records[kind] if isinstance(kind, str) else None
    record = make(raw, line) if make is not None else None
    expected = _expected(raw)
    if expected is None or expected.id is None:
        assert record is None
    elif record is not None:
        assert record == spill.record_of(expected, line)
        event = spill.event_of(record)
        assert isinstance(event, Light) and state(event) == state(expected)


@settings(max_examples=200, deadline=None)
@given(raw=events(), number=st.integers(0, 10**6))
def test_every_valid_generated_event_in_the_common_form_takes_the_generated_path(raw: dict[str, Any],
                                                                                number: int) -> None:
    raw = {**_in_common_form(raw, True), "id": f"e{number}"}
    checker = _checker()
    assert checker.event(raw) is not None
    assert checker.records[raw["type"]](raw, 1) is not None


def test_an_instant_outside_the_window_or_not_real_is_left_to_the_next_checker_and_another_form_to_the_log() -> None:
    checker = _checker()
    inside = {"type": "attack", "at": "2018-04-14T08:30:00Z", "target": "MINUSMA", "id": "a1"}
    assert checker.event(inside) is not None
    for at in ("2016-04-14T08:30:00Z", "2019-01-01T00:00:00Z", "2018-02-30T08:30:00Z", "2016-04-14", "2018-02-30",
               "2018-04-14T08:30:00+25:00"):
        assert checker.event({**inside, "at": at}) is None
        assert checker.records["attack"]({**inside, "at": at}, 1) is None
    for at, aware in (("2018-04-14", None), ("2018-04-14T08:30Z", True), ("2018-04-14 08:30", False)):
        found = checker.event({**inside, "at": at})
        assert found is not None and found[1] is aware and found[0].at == parse_instant(at)
        assert checker.records["attack"]({**inside, "at": at}, 1) is None  # a log's other forms go the careful way


@pytest.mark.parametrize("first, limit", [
    (datetime(2018, 4, 14, 8, 30, tzinfo=UTC), datetime(2018, 4, 14, 8, 31, tzinfo=UTC)),
    (datetime(2018, 4, 14, 8, 30, 0, 500_000, tzinfo=UTC), datetime(2018, 4, 14, 8, 30, 59, 500_000, tzinfo=UTC)),
])
def test_an_instant_in_the_common_form_is_inside_the_window_exactly_when_its_moment_is(first: datetime,
                                                                                       limit: datetime) -> None:
    checker = plaincheck.PlainChecker(_registry(), first, limit, warm=0)
    for second in (-1, 0, 1, 58, 59, 60):
        moment = datetime(2018, 4, 14, 8, 30, tzinfo=UTC) + timedelta(seconds=second)
        raw = {"type": "attack", "at": moment.strftime("%Y-%m-%dT%H:%M:%SZ"), "target": "MINUSMA", "id": "a1"}
        assert (checker.event(raw) is not None) is (first <= moment < limit)


_DIGIT_PLACES = [i for i in range(20) if i not in (4, 7, 10, 13, 16, 19)]  # of YYYY-MM-DDTHH:MM:SSZ


@settings(max_examples=300, deadline=None)
@given(changes=st.lists(st.tuples(st.sampled_from(_DIGIT_PLACES), st.one_of(
    st.sampled_from("0123456789 +-.:TZ_a\u0663\uff10\u00b9"), st.characters())), min_size=1, max_size=3))
def test_an_instant_laid_out_as_the_common_form_is_taken_only_as_the_model_reads_it(
        changes: list[tuple[int, str]]) -> None:
    at = list("2018-04-14T08:30:00Z")
    for place, character in changes:
        at[place] = character
    raw = {"type": "attack", "at": "".join(at), "target": "MINUSMA", "id": "a1"}
    checker, expected = _checker(), _expected(raw)
    plain, record = checker.event(raw), checker.records["attack"](raw, 1)
    if expected is None:
        assert plain is None and record is None
    if plain is not None:
        assert expected is not None and state(plain[0]) == state(expected)
    if record is not None:
        assert expected is not None and record == spill.record_of(expected, 1)


def test_an_event_without_id_gets_its_model_but_no_record_so_that_its_id_is_derived_the_careful_way() -> None:
    checker = _checker()
    raw = {"type": "attack", "at": "2018-04-14T08:30:00Z", "target": "MINUSMA"}
    assert checker.event(raw) is not None and checker.records["attack"](raw, 1) is None


class _Shouting(Event):
    type: Literal["shouting"]
    words: Annotated[str, StringConstraints(to_upper=True)]


def test_a_schema_with_a_part_the_generator_does_not_know_is_refused_whole() -> None:
    with pytest.raises(checkwriter._Unknown):
        checkwriter._source(_Shouting, "shouting")


def test_records_sort_in_processing_order_then_by_line() -> None:
    checker = _checker()
    rows = [{"type": "report", "at": "2018-04-14T08:30:00Z", "by": "Secretary-General", "kind": "quarterly",
             "id": "r1"},
            {"type": "threat", "at": "2018-04-14T08:30:00Z", "against": "MINUSMA", "level": "credible", "id": "t2"},
            {"type": "threat", "at": "2018-04-14T08:30:00Z", "against": "MINUSMA", "level": "credible", "id": "t1"},
            {"type": "attack", "at": "2018-04-13T23:59:59Z", "target": "MINUSMA", "id": "a9"}]
    records = [checker.records[row["type"]](row, line) for line, row in enumerate(rows, 1)]
    assert all(record is not None for record in records)
    assert [record[2] for record in sorted(records)] == ["a9", "t1", "t2", "r1"]  # type: ignore[index]


def test_the_key_of_an_instant_sorts_as_the_instant() -> None:
    moments = [datetime(2018, 4, 14, 8, 30, tzinfo=UTC), datetime(2018, 4, 14, 8, 30, 0, 1, tzinfo=UTC),
               datetime(2018, 4, 14, 8, 30, 1, tzinfo=UTC), datetime(999, 1, 1, tzinfo=UTC)]
    assert sorted(moments, key=plaincheck.instant_key) == sorted(moments)
