"""Filters on findings (engine.outputs.filters, engine.cli.filters): ``--paragraph``, ``--kind``, ``--status``
and ``--subject`` on ``run``, ``explain --why-not`` and ``diff``, in table and JSON; and ``days_late``."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from engine import Engine
from engine.outputs.filters import Selection, select

HEADLINE = "scenarios/timbuktu-2018.yaml"
EVERY_90 = "scenarios/timbuktu-2018-every-90-days.yaml"


def _findings(cli: Callable[..., Any], *args: str) -> list[dict[str, Any]]:
    result = cli("run", HEADLINE, "--json", *args)
    assert result.code == 0, result.err
    return list(json.loads(result.out)["findings"])


def test_a_paragraph_keeps_its_sub_items_and_nothing_else(cli: Callable[..., Any]) -> None:
    every = _findings(cli)
    kept = _findings(cli, "--paragraph", "47")
    assert {f["paragraph"] for f in kept} >= {"47", "47(i)"}
    assert [f for f in every if f["paragraph"] == "47" or f["paragraph"].startswith("47(")] == kept


def test_a_rule_id_keeps_the_findings_of_that_rule() -> None:
    engine = Engine()
    report = engine.run("scenarios/p4-each-criterion-and-unattributed-attacks.yaml")
    kept = select(engine.pack, paragraph=["4(d)"]).report(report).findings
    assert kept and list(kept) == [f for f in report.findings if f.rule.startswith("4(d)")]
    assert {f.paragraph for f in kept} == {"4"}


def test_filters_combine_with_and_and_values_with_or(cli: Callable[..., Any]) -> None:
    every = _findings(cli)
    kept = _findings(cli, "--kind", "obligation", "--status", "violated,fulfilled", "--status", "expired")
    want = [f for f in every if f["kind"] == "obligation" and f["status"] in ("violated", "fulfilled", "expired")]
    assert kept == want and 0 < len(kept) < len(every)


def test_a_subject_is_named_as_in_a_scenario(cli: Callable[..., Any]) -> None:
    by_name = _findings(cli, "--subject", "French forces")
    by_id = _findings(cli, "--subject", "french-forces")
    assert by_name == by_id and by_name
    assert {f["subject"] for f in by_name} == {"french-forces"}


def test_the_table_says_how_many_findings_are_shown_of_how_many(cli: Callable[..., Any]) -> None:
    total = len(_findings(cli))
    shown = len(_findings(cli, "--status", "violated"))
    result = cli("run", HEADLINE, "--status", "violated")
    assert f"{total} findings; {shown} shown (status violated)" in result.out
    rows = [line for line in result.out.splitlines() if line.startswith("47:")]
    assert rows and all(" violated " in row for row in rows)


def test_a_filter_nothing_passes_says_so(cli: Callable[..., Any]) -> None:
    result = cli("run", HEADLINE, "--paragraph", "48", "--status", "breach")
    assert result.code == 0 and "No finding passes the filters." in result.out


@pytest.mark.parametrize(("option", "value", "says"), [
    ("--paragraph", "99", "--paragraph: no paragraph or rule '99'"),
    ("--kind", "obligaton", "--kind: no kind of finding 'obligaton'; did you mean obligation"),
    ("--status", "violted", "--status: no status 'violted'; did you mean violated?"),
    ("--subject", "nobody", "--subject: unknown actor 'nobody'"),
])
def test_an_unknown_filter_value_is_bad_input_naming_the_option(cli: Callable[..., Any], option: str, value: str,
                                                                 says: str) -> None:
    result = cli("run", HEADLINE, option, value)
    assert result.code == 2 and result.out == ""
    assert result.err.startswith(says) and result.err.count("\n") == 1


def test_diff_keeps_a_change_when_either_side_passes_the_filter(cli: Callable[..., Any]) -> None:
    result = cli("diff", HEADLINE, EVERY_90, "--json", "--status", "violated")
    assert result.code == 0, result.err
    document = json.loads(result.out)
    changed = {c["base_id"]: c for c in document["changed"]}
    assert "47:2018-03-29" in changed  # fulfilled in the base, violated in the variant
    assert changed["47:2018-03-29"]["changes"]["status"] == {"base": "fulfilled", "variant": "violated"}
    full = json.loads(cli("diff", HEADLINE, EVERY_90, "--json").out)
    assert len(document["changed"]) < len(full["changed"])


def test_diff_filters_by_paragraph_in_the_table(cli: Callable[..., Any]) -> None:
    result = cli("diff", HEADLINE, EVERY_90, "--paragraph", "37")
    rows = [line for line in result.out.splitlines() if line.startswith("changed")]
    assert rows and all(line.split()[1].startswith("37") for line in rows)


def test_why_not_narrows_its_rules_and_findings_by_paragraph_and_status(cli: Callable[..., Any]) -> None:
    full = json.loads(cli("explain", HEADLINE, "--why-not", "4", "--json").out)
    result = cli("explain", HEADLINE, "--why-not", "4", "--paragraph", "4(d)", "--status", "eligible", "--json")
    assert result.code == 0, result.err
    narrowed = json.loads(result.out)
    assert {r["rule"] for r in narrowed["rules"]} == {r["rule"] for r in full["rules"] if r["rule"].startswith("4(d)")}
    assert len(narrowed["rules"]) < len(full["rules"])
    assert all(f["status"] == "eligible" for f in narrowed["arose"])


def test_explain_of_one_finding_refuses_filters(cli: Callable[..., Any]) -> None:
    result = cli("explain", HEADLINE, "47:2017-09-29", "--status", "violated")
    assert result.code == 2 and result.out == ""


def test_an_empty_selection_keeps_the_report_as_it_is(engine: Engine) -> None:
    report = engine.run(HEADLINE)
    assert Selection().report(report) is report


# ---- days_late ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("scenario", "finding", "days"), [
    ("scenarios/p47-report-on-the-due-date-and-a-day-late.yaml", "47:2017-12-29", 1),
    ("scenarios/timbuktu-2018-second-report-a-week-late.yaml", "47:2017-12-29", 8),
])
def test_a_duty_answered_late_says_by_how_many_days(engine: Engine, scenario: str, finding: str, days: int) -> None:
    document = json.loads(engine.run(scenario).to_json())
    late = {f["id"]: f["days_late"] for f in document["findings"] if f["days_late"] is not None}
    assert late[finding] == days
    for item in document["findings"]:  # exactly the duties a late act answered, by the days from due to that act
        steps = [h for h in item["history"] if h["note"].startswith("late ")]
        assert item["days_late"] == ((date.fromisoformat(steps[0]["at"][:10]) - date.fromisoformat(item["due"])).days
                                     if steps else None)
