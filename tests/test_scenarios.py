"""Every bundled scenario is a test: it states the findings it expects and the replay must give them."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import Engine
from engine.explain.expectations import check

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"

BUNDLED = sorted([*SCENARIOS.glob("*.yaml"), *SCENARIOS.glob("*.json")])


def test_there_are_at_least_eight_bundled_scenarios() -> None:
    assert len(BUNDLED) >= 8


@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_bundled_scenario_gives_the_findings_it_expects(engine: Engine, path: Path) -> None:
    scenario = engine.load(path)
    assert scenario.expect is not None, f"{path.name} states no expected findings"
    assert scenario.expect.findings or scenario.expect.exhaustive, "an empty, non-exhaustive expectation checks nothing"
    problems = check(engine.run(scenario), scenario.expect, engine.pack.actors)
    assert problems == []


@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_bundled_scenario_is_named_with_a_sentence(engine: Engine, path: Path) -> None:
    name = engine.load(path).name
    assert name[0].isupper() and name.rstrip().endswith("."), name


def test_a_scenario_whose_findings_differ_is_reported_as_failing(engine: Engine) -> None:
    scenario = engine.parse(
        """
        name: The first quarterly report is expected on time but comes late.
        events:
          - {id: late, at: 2017-10-02, type: report, by: Secretary-General, kind: quarterly}
        expect:
          paragraphs: ["47"]
          findings:
            - {id: "47:2017-09-29", status: fulfilled}
        """.replace("\n        ", "\n")
    )
    assert scenario.expect is not None
    problems = check(engine.run(scenario), scenario.expect, engine.pack.actors)
    assert any("did not arise" in p and "same but for status: 47:2017-09-29" in p for p in problems)
    assert any("unexpected finding 47:2017-12-29" in p for p in problems)


def test_every_paragraph_with_rules_is_exercised_by_a_bundled_scenario(engine: Engine) -> None:
    engaged = {f.rule for path in BUNDLED for f in engine.run(path).findings}
    engaged |= {f.paragraph for path in BUNDLED for f in engine.run(path).findings}
    for paragraph in engine.pack.paragraphs:
        if paragraph.encoded and (paragraph.rules or paragraph.obligations or paragraph.authorizations):
            assert paragraph.id in engaged, f"no bundled scenario engages paragraph {paragraph.id}"
