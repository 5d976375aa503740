"""Plain checks of simple models (a scenario file's top level): they answer as pydantic does, or leave it to it."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from modelstate import state
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from engine.inputs import scenario
from engine.inputs.header import Header
from engine.inputs.plainmodel import plain_validator
from engine.inputs.sources import load

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
_SLOW = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])



def _validated(model: type[BaseModel], data: Any) -> BaseModel | None:
    try:
        return model.model_validate(data)
    except ValidationError:
        return None


_texts = st.one_of(st.text(max_size=5), st.text(min_size=290, max_size=310), st.sampled_from(
    ["  A  scenario\n with lines ", "ab", "abc", "2018-04-01", " 2018-04-01 ", "2018-02-30", "20180401", "37", "x"]))
_scalars = st.one_of(st.none(), st.booleans(), st.integers(-2, 2), st.floats(allow_nan=False), _texts,
                     st.dates(), st.datetimes(), st.binary(max_size=3))
_finding = st.dictionaries(st.sampled_from(["id", "paragraph", "status", "opened", "due", "events", "nope"]),
                           st.one_of(_scalars, st.lists(_scalars, max_size=2)), max_size=4)
_note = st.dictionaries(st.sampled_from(["kind", "paragraph", "rule", "event", "other"]), _scalars, max_size=3)
_expect = st.one_of(_scalars, st.fixed_dictionaries({}, optional={
    "findings": st.one_of(st.lists(_finding, max_size=3), _scalars),
    "notes": st.one_of(st.lists(_note, max_size=2), _scalars),
    "paragraphs": st.one_of(st.lists(st.one_of(_texts, st.integers()), max_size=3), _scalars),
    "exhaustive": _scalars,
    "extra": _scalars}))
_headers = st.fixed_dictionaries({}, optional={
    "name": _scalars,
    "description": _scalars,
    "start": _scalars,
    "until": _scalars,
    "assumptions": st.one_of(_scalars, st.dictionaries(st.one_of(_texts, st.integers()), _scalars, max_size=3)),
    "events": st.one_of(_scalars, st.lists(st.dictionaries(_texts, _scalars, max_size=2), max_size=3)),
    "events_from": _scalars,
    "expect": _expect,
    "unknown": _scalars,
})

_days = st.one_of(st.none(), st.dates(), st.dates().map(date.isoformat), st.dates().map(lambda d: f" {d} "))
_words = st.one_of(st.none(), st.text(max_size=8))
_good_expect = st.fixed_dictionaries({}, optional={
    "findings": st.lists(st.fixed_dictionaries({}, optional={
        "paragraph": _words, "status": _words, "due": st.one_of(_words, st.dates(), st.datetimes()),
        "events": st.one_of(st.none(), st.lists(st.text(max_size=4), max_size=2))}), max_size=3),
    "notes": st.one_of(st.none(), st.lists(st.fixed_dictionaries({}, optional={"kind": _words}), max_size=2)),
    "paragraphs": st.one_of(st.none(), st.lists(st.text(max_size=4), max_size=3)),
    "exhaustive": st.booleans()})
_good_headers = st.fixed_dictionaries({"name": st.text(min_size=3, max_size=300)}, optional={
    "description": _words, "start": _days, "until": _days,
    "assumptions": st.dictionaries(st.text(max_size=5), _scalars, max_size=3),
    "events": st.lists(st.dictionaries(st.text(max_size=3), _scalars, max_size=2), max_size=3),
    "events_from": _words, "expect": st.one_of(st.none(), _good_expect)})
#: one value of a mostly good header spoiled (or not) by any value, so that both answers are generated
_spoiled = st.tuples(_good_headers, st.sampled_from(["", "name", "start", "expect", "events", "assumptions", "x"]),
                     st.one_of(_scalars, _expect)).map(lambda t: {**t[0], t[1]: t[2]} if t[1] else t[0])


@_SLOW
@given(data=st.one_of(_spoiled, _headers, _scalars, st.lists(_scalars, max_size=2)))
def test_a_scenario_s_top_level_checked_plainly_is_what_pydantic_validates_or_left_to_it(data: Any) -> None:
    plain = scenario.plain_header(data)
    expected = _validated(Header, data)
    if expected is None:
        assert plain is None
    elif plain is not None:
        assert state(plain) == state(expected)
        assert plain.model_dump(exclude_unset=True) == expected.model_dump(exclude_unset=True)


def _bases() -> list[Path]:
    """The bundled scenarios that are not variants (a variant's own part is checked after its base is read)."""
    paths = sorted(SCENARIOS.glob("*.yaml")) + sorted(SCENARIOS.glob("*.json"))
    return [path for path in paths if "extends" not in load(path)[0]]


@pytest.mark.parametrize("path", _bases(), ids=lambda p: p.name)
def test_every_bundled_scenario_s_top_level_is_checked_plainly_as_pydantic_checks_it(path: Path) -> None:
    data, _ = load(path)
    plain = scenario.plain_header(data)
    assert plain is not None
    assert state(plain) == state(Header.model_validate(data))


def test_a_name_s_length_is_the_model_s_bound_and_a_bad_date_is_left_to_pydantic() -> None:
    assert scenario.plain_header({"name": "ab"}) is None
    assert scenario.plain_header({"name": "x" * 301}) is None
    assert scenario.plain_header({"name": "abc", "start": "2018-02-30"}) is None
    made = scenario.plain_header({"name": " a  b\nc ", "start": " 2018-04-01", "expect": {"findings": [
        {"paragraph": "37", "due": date(2018, 5, 1), "opened": datetime(2018, 4, 1, 12)}]}})
    assert made is not None and made.name == "a b c" and made.start == date(2018, 4, 1)
    assert made.expect.findings[0].due == "2018-05-01" and made.expect.findings[0].opened == "2018-04-01T12:00:00"


def test_a_variant_of_another_scenario_is_never_taken_for_a_plain_file() -> None:
    from engine.inputs.variants import VARIANT_KEYS

    for key in VARIANT_KEYS:
        assert scenario.plain_header({"name": "abc", key: "base.yaml"}) is None


class _Loose(BaseModel):  # pydantic's default: unknown keys ignored
    name: str


class _Checked(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str

    @model_validator(mode="after")
    def _whole(self) -> _Checked:
        return self


class _Informed(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str

    @field_validator("name")
    @classmethod
    def _named(cls, value: str, info: Any) -> str:
        return value


class _Patterned(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern="^a")


class _Numbered(BaseModel):
    model_config = ConfigDict(extra="forbid")

    count: int


class _Defaulted(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = "abc"
    other: str = Field(default="x", validate_default=True)

    @field_validator("other")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()


@pytest.mark.parametrize("model", [_Loose, _Checked, _Informed, _Patterned, _Numbered, _Defaulted])
def test_a_model_with_a_feature_the_plain_checks_do_not_know_is_always_left_to_pydantic(
        model: type[BaseModel]) -> None:
    check = plain_validator(model)
    assert check({"name": "abc"}) is None and check({"count": 1}) is None
