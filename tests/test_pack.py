"""The rule pack's cross-checks and assumption overrides: text and boolean assumptions, scopes and clauses."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from engine import Engine
from engine.errors import RuleError


def test_a_text_assumption_accepts_only_its_choices(engine: Engine) -> None:
    assert engine.pack.with_assumptions({"council_time_zone": "America/New_York"}).param("council_time_zone") == \
        "America/New_York"
    with pytest.raises(RuleError, match=r"one of UTC, America/New_York \(got 'Paris'\)"):
        engine.pack.with_assumptions({"council_time_zone": "Paris"})


def test_a_boolean_assumption_takes_a_boolean_only(engine: Engine) -> None:
    assert engine.pack.with_assumptions({"request_may_precede_threat": False}).param(
        "request_may_precede_threat") is False
    with pytest.raises(RuleError, match="valid boolean"):
        engine.pack.with_assumptions({"request_may_precede_threat": 1})


@pytest.mark.parametrize(("paragraph", "ends"), [("16", True), ("20(c)(ii)", True), ("37", True), ("4", False),
                                                 ("5", False), ("28", False)])
def test_each_paragraph_with_rules_says_whether_it_ends_with_the_mandate(engine: Engine, paragraph: str,
                                                                         ends: bool) -> None:
    scope = engine.pack.scope_of(paragraph)
    assert scope is not None and len(scope.why) > 10
    assert (scope.ends_with == "mandate") is ends


def test_every_paragraph_with_rules_has_a_scope(engine: Engine) -> None:
    for paragraph in engine.pack.paragraphs:
        if paragraph.rules or paragraph.obligations or paragraph.authorizations:
            assert engine.pack.scope_of(paragraph.id) is not None, paragraph.id


def test_a_rule_reads_with_its_clause_s_verb_and_force(engine: Engine) -> None:
    paragraph = engine.pack.paragraph("28")
    assert paragraph.reading(engine.pack.clause_of("28/accountability")) == ("urges", "exhorting")
    assert paragraph.reading(engine.pack.clause_of("28")) == ("Requests", "binding")


_RAW = [True, False, 0, 3, "UTC", "America/New_York", "3", 1.5, None, [1], date(2018, 1, 1),
        datetime(2018, 1, 1, tzinfo=UTC), {"days": 3}, {"weeks": 0}, {"months": 1_200}, {"months": 1_201},
        {"days": -1}, {"days": True}, {"days": "3"}, {"days": 3, "weeks": 1}, {"hours": 3}, {}]


def test_an_assumption_plainly_of_its_type_is_taken_as_pydantic_s_strict_check_takes_it(engine: Engine) -> None:
    from engine.light import Light
    from engine.rulepack.pack import _plainly, _validated

    taken = 0
    for name, parameter in sorted(engine.pack.assumptions().items()):
        for raw in _RAW:
            plain = _plainly(parameter.value, raw)
            try:
                checked = _validated(name, parameter.value, raw, "<test>", None)
            except RuleError:
                assert plain is None, (name, raw)
                continue
            if plain is not None:  # what it takes, pydantic takes as the same value, fields given and kind
                taken += 1
                assert plain == checked and type(plain) is type(checked), (name, raw)
                if isinstance(plain, Light):
                    assert plain.__pydantic_fields_set__ == checked.__pydantic_fields_set__
    assert taken > 20


def test_a_pack_with_assumptions_equals_the_one_pydantic_s_check_makes(engine: Engine,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.rulepack import pack as pack_module
    from engine.rulepack.compiler import compile_pack

    overrides = {"council_time_zone": "America/New_York", "late_report_window": {"days": 10},
                 "quarterly_interval": {"months": 6}, "request_may_precede_threat": False}
    plain = engine.pack.with_assumptions(overrides)
    monkeypatch.setattr(pack_module, "_plainly", lambda current, raw: None)  # every value checked by pydantic
    checked = engine.pack.with_assumptions(overrides)
    assert plain.parameters == checked.parameters and plain.overridden == checked.overridden == overrides
    assert plain.parameters["quarterly_interval"].__pydantic_fields_set__ == \
        checked.parameters["quarterly_interval"].__pydantic_fields_set__
    assert compile_pack(plain).rules == compile_pack(checked).rules


def test_a_cached_pack_takes_plain_assumptions_and_compiles_again_without_pydantic(tmp_path: Path) -> None:
    code = ("import sys\n"
            "from engine.rulepack.loader import compiled_pack\n"
            "from engine.rulepack.compiler import compile_pack\n"
            "pack = compiled_pack().pack.with_assumptions({'council_time_zone': 'America/New_York', "
            "'late_report_window': {'days': 10}, 'request_may_precede_threat': False})\n"
            "compiled = compile_pack(pack)\n"
            "assert pack.param('late_report_window').days == 10 and compiled.rules\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'pydantic_core')))\n")
    environment = {**os.environ, "OBLIGATIONS_CACHE_DIR": str(tmp_path)}
    cold, warm = (subprocess.run([sys.executable, "-c", code], capture_output=True, check=True, text=True,
                                 env=environment).stdout.strip() for _ in range(2))
    assert cold != "[]" and warm == "[]"
