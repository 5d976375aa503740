"""Plain records behave as the dataclasses they replace: equal by value, shown by their fields, frozen ones
immutable and hashable, copied with changes through their ``__init__``, and pickled as they were."""

from __future__ import annotations

import pickle
from datetime import UTC, date, datetime

import pytest

from engine.dates import Clock
from engine.inputs.limits import Limits
from engine.record import Frozen, Record
from engine.replay.schedules import Period
from engine.rulepack.compiler import CompiledEffect, FieldRef
from engine.rulepack.loader import load_pack


class _Point(Frozen):
    _fields = ("x", "y")

    def __init__(self, x: int, y: int = 0) -> None:
        self.__dict__.update(x=x, y=y)


class _Box(Record):
    _fields = ("items", "label")
    _compared = ("items",)

    def __init__(self, items: list[int], label: str = "") -> None:
        self.items, self.label = items, label


def test_records_of_one_class_are_equal_when_their_values_are_and_never_equal_to_another_class() -> None:
    assert _Point(1, 2) == _Point(1, 2) and _Point(1, 2) != _Point(2, 1)
    assert _Point(1, 2) != (1, 2) and _Point(1, 2) != _Box([1, 2])
    assert FieldRef("act", "by") == FieldRef("act", "by") != FieldRef("act", "against")


def test_a_record_compares_only_the_fields_it_names_for_equality() -> None:
    assert _Box([1], "a") == _Box([1], "b") and _Box([1]) != _Box([2])


def test_a_frozen_record_is_hashed_by_its_values_and_refuses_assignment_and_deletion() -> None:
    assert hash(_Point(1, 2)) == hash(_Point(1, 2)) and len({_Point(1, 2), _Point(1, 2), _Point(0, 0)}) == 2
    point = _Point(1)
    with pytest.raises(AttributeError, match="cannot assign to field 'x'"):
        point.x = 3  # type: ignore[misc]
    with pytest.raises(AttributeError, match="cannot delete field 'y'"):
        del point.y
    assert point == _Point(1, 0)


def test_a_record_that_is_not_frozen_is_not_hashable() -> None:
    with pytest.raises(TypeError, match="unhashable"):
        hash(_Box([1]))


def test_a_record_is_shown_with_its_fields_in_order() -> None:
    assert repr(_Point(1, 2)) == "_Point(x=1, y=2)"
    assert repr(Period(1, datetime(2017, 6, 29, tzinfo=UTC), date(2017, 9, 29))) == (
        "Period(number=1, opens=datetime.datetime(2017, 6, 29, 0, 0, tzinfo=datetime.timezone.utc), "
        "due=datetime.date(2017, 9, 29))")


def test_replace_makes_a_new_record_through_init_and_refuses_an_unknown_field() -> None:
    assert _Point(1, 2).replace(y=5) == _Point(1, 5)
    with pytest.raises(TypeError, match="has no field 'z'"):
        _Point(1).replace(z=1)
    with pytest.raises(ValueError, match="limits are positive"):  # __init__'s own checks run again
        Limits().replace(max_events=0)


def test_replacing_a_pack_s_parameters_keeps_nothing_it_had_computed_from_the_old_ones() -> None:
    pack = load_pack()
    assert pack.obligations and "obligations" in pack.__dict__  # computed once, kept on the instance
    copy = pack.replace(overridden={"quarterly_interval": {"days": 90}})
    assert copy is not pack and copy.overridden == {"quarterly_interval": {"days": 90}}
    assert copy.__dict__.keys() == set(type(pack)._fields)  # nothing computed is carried over


def test_records_pickle_and_unpickle_to_equal_records() -> None:
    for record in (_Point(1, 2), Clock(datetime(2017, 6, 29, tzinfo=UTC)), Limits(max_events=5),
                   CompiledEffect(name="open", target="47", subject=FieldRef("act", "by"))):
        assert pickle.loads(pickle.dumps(record)) == record


def test_a_limit_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="limits are positive"):
        Limits(max_bytes=0)


def test_a_finding_is_replaced_with_its_explanation_s_parts_though_they_are_neither_shown_nor_compared() -> None:
    from engine.replay.ledger import Finding, FindingKind, Status

    finding = Finding(id="47:1", paragraph="47", rule="47", kind=FindingKind.OBLIGATION, subject="secretary-general",
                      status=Status.ACTIVE, opened=0, told=["Due."], events=["q1"])
    moved = finding.replace(status=Status.FULFILLED, closed=5)
    assert (moved.status, moved.closed, moved.told, moved.events, moved.explanation) == (
        Status.FULFILLED, 5, ["Due."], ["q1"], "Due.")
    assert moved.replace(status=Status.ACTIVE, closed=None) == finding and "told" not in repr(finding)
