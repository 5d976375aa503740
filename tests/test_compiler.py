"""Compiling rules to durable-rules: literals only, within durable-rules' limits."""

from __future__ import annotations

import json

import pytest

from engine import Engine
from engine.rulepack.compiler import MAX_EXPRESSIONS, compile_constraint, compile_pack
from engine.rulepack.rulebook import Constraint


def test_group_tests_compile_to_a_membership_flag_set_for_each_member(engine: Engine) -> None:
    groups: set[str] = set()
    expr = compile_constraint("target", Constraint(member_of="minusma"), actor_field=True, pack=engine.pack,
                              groups=groups)
    assert expr == [{"$ex": {"target__member_of__minusma": 1}}]
    assert groups == {"minusma"}
    membership = compile_pack(engine.pack).membership
    for actor in ("minusma", "minusma-peacekeepers", "minusma-contingent", "srsg-mali"):
        assert "minusma" in membership[actor]
    assert "minusma" not in membership["french-forces"]


def test_parameters_compile_to_their_values(engine: Engine) -> None:
    constraint = Constraint.model_validate({"gt": {"param": "military_ceiling"}})
    assert compile_constraint("military", constraint, actor_field=False, pack=engine.pack) == [
        {"$gt": {"military": 13289}}]


def test_not_member_of_requires_the_field_and_excludes_each_member(engine: Engine) -> None:
    expr = compile_constraint("by", Constraint(not_member_of="unattributed"), actor_field=True, pack=engine.pack)
    assert expr == [{"$ex": {"by": 1}}, {"$nex": {"by__member_of__unattributed": 1}}]


def test_the_compiled_ruleset_is_plain_json_with_integers_only(engine: Engine) -> None:
    compiled = compile_pack(engine.pack)
    text = json.dumps(compiled.ruleset)
    assert "e+" not in text and "e-" not in text.replace("type", "").replace("eligib", "")
    assert json.loads(text) == compiled.ruleset


def test_every_compiled_condition_is_within_durable_rules_limits(engine: Engine) -> None:
    compiled = compile_pack(engine.pack)
    assert len(compiled.ruleset) < 4096
    for rule in compiled.ruleset.values():
        assert len(rule["all"]) <= 16
        for condition in rule["all"]:
            (expr,) = condition.values()
            parts = expr.get("$and", [expr])
            assert sum(len(p["$or"]) if "$or" in p else 1 for p in parts) <= MAX_EXPRESSIONS


def test_joined_event_types_are_kept_for_their_longest_window(engine: Engine) -> None:
    compiled = compile_pack(engine.pack)
    assert compiled.retention["intervention_request"] == 3 * 86_400
    assert compiled.retention["support"] == 90 * 86_400
    assert "deployment" not in compiled.retention and "report" not in compiled.retention


def test_a_not_part_of_test_is_kept_for_the_runtime_not_sent_to_durable_rules(engine: Engine) -> None:
    compiled = compile_pack(engine.pack)
    (rule,) = [r for r in compiled.rules.values() if r.rule_id == "4(d)/attack"]
    assert rule.exclusions == (("help", "by", "act", "target"), ("help", "to", "act", "target"))
    assert "not_part_of" not in json.dumps(compiled.ruleset[rule.name])


def test_compiling_a_pack_of_light_models_builds_none_of_the_real_models(
        engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.light import Light

    expected = compile_pack(engine.pack)
    monkeypatch.setattr(Light, "model", lambda self: pytest.fail(f"built a real {self._spec.name}"))
    again = compile_pack(engine.pack.with_assumptions({}))
    assert isinstance(engine.pack.paragraphs[0], Light)
    assert again.ruleset == expected.ruleset and again.rules == expected.rules
