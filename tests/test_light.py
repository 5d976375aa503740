"""Light instances behave as the model instances they stand for, and need no pydantic to be made or unpickled."""

from __future__ import annotations

import copy
import pickle
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from engine.inputs.vocabulary import Attack, Report
from engine.light import Light, Spec, is_a, light, light_class, lightened, make, model_class, spec_of
from engine.rulepack.rulebook import Duration


def _attack() -> Attack:
    return Attack.model_validate({"type": "attack", "at": "2018-04-14T08:30:00Z", "target": "minusma",
                                  "by": "jnim", "incident": "i-1"})


def test_a_light_instance_has_the_model_fields_values_and_class_variables() -> None:
    real = _attack()
    made = light(real)
    assert isinstance(made, Light)
    assert made.__dict__ == real.__dict__ and list(made.__dict__) == list(real.__dict__)
    assert made.target == "minusma" and made.at == datetime(2018, 4, 14, 8, 30, tzinfo=UTC)
    assert made.actor_fields == Attack.actor_fields
    assert made.model_fields_set == real.model_fields_set


def test_a_light_instance_equals_and_hashes_as_its_model_instance_both_ways() -> None:
    real = _attack()
    made = light(real)
    assert made == real and real == made
    assert hash(made) == hash(real)
    assert len({made, real}) == 1
    other = Attack.model_validate({"type": "attack", "at": "2018-04-14", "target": "minusma"})
    assert made != other and other != light(real) and light(other) != made


def test_light_instances_of_different_models_with_the_same_values_differ() -> None:
    real = _attack()
    fake = make(light_class(Spec("engine.inputs.vocabulary", "Threat", tuple(real.__dict__))), dict(real.__dict__),
                set())
    assert fake != real and fake != light(real)


def test_repr_str_and_iteration_are_the_models() -> None:
    real = Report.model_validate({"type": "report", "at": "2017-09-28", "by": "secretary-general",
                                  "kind": "quarterly"})
    made = light(real)
    assert repr(made) == repr(real)
    assert str(made) == str(real)
    assert list(made) == list(real)


def test_anything_else_is_answered_by_the_real_model() -> None:
    real = _attack()
    made = light(real)
    assert made.model_dump() == real.model_dump()
    moved = made.model_copy(update={"location": "Gao"})
    assert moved.location == "Gao" and type(moved) is Attack
    assert type(made.model()) is Attack and made.model() == real
    with pytest.raises(AttributeError):
        made.no_such_attribute  # noqa: B018


def test_a_light_instance_is_immutable_and_copies_as_itself() -> None:
    made = light(_attack())
    with pytest.raises(TypeError, match="immutable"):
        made.target = "french-forces"
    with pytest.raises(TypeError, match="immutable"):
        del made.target
    assert copy.copy(made) is made and copy.deepcopy(made) is made


def test_is_a_holds_for_model_and_light_instances_alike() -> None:
    real = _attack()
    assert is_a(real, Attack) and is_a(light(real), Attack)
    assert not is_a(light(real), Report) and not is_a(real, Report)


def test_a_light_instance_pickles_and_unpickles_as_a_light_instance_equal_to_the_model() -> None:
    for value in (_attack(), Duration.model_validate({"months": 3})):
        back = pickle.loads(pickle.dumps(light(value)))
        assert isinstance(back, Light) and back == value


def test_the_spec_names_the_model_and_leads_back_to_it() -> None:
    spec = spec_of(Attack)
    assert spec.fields == tuple(Attack.model_fields) and model_class(spec) is Attack
    assert light_class(spec) is light_class(spec_of(Attack))


def test_unpickling_a_light_instance_imports_no_pydantic() -> None:
    data = pickle.dumps(light(_attack()))
    code = ("import pickle, sys; value = pickle.loads(sys.stdin.buffer.read()); "
            "assert value.target == 'minusma' and value == value and hash(value) == hash(value), value; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'pydantic_core')))")
    done = subprocess.run([sys.executable, "-c", code], input=data, capture_output=True, check=True)
    assert done.stdout.decode().strip() == "[]"


def test_lightened_makes_every_nested_model_light_and_keeps_what_was_shared_shared() -> None:
    from engine.rulepack.rulebook import Schedule

    every = Duration.model_validate({"months": 3})
    schedule = Schedule.model_validate({"from": "2017-06-29", "every": {"months": 3}, "through": "2018-06-30"})
    value = {"schedules": [schedule, schedule], "every": (every, 3), "plain": ["a", 1]}
    made = lightened(value)
    first, second = made["schedules"]
    assert first is second and isinstance(first, Light) and first == schedule
    assert isinstance(first.every, Light) and first.every == every and isinstance(made["every"][0], Light)
    plain = value["plain"]
    assert lightened(plain) is plain and lightened(made) == made and lightened(first) is first


def test_the_real_model_of_a_light_instance_holds_real_models() -> None:
    from engine.rulepack.rulebook import Schedule

    schedule = Schedule.model_validate({"from": "2017-06-29", "every": {"months": 3}, "through": "2018-06-30"})
    made = lightened(schedule)
    real = made.model()
    assert type(real) is Schedule and type(real.every) is Duration and real == schedule
    assert made.model_dump() == schedule.model_dump()
