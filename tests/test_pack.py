"""The rule pack's cross-checks and assumption overrides: text and boolean assumptions, scopes and clauses."""

from __future__ import annotations

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
