"""Coverage: the pack models the whole resolution, and every encoded rule is exercised by a bundled scenario."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from engine import Engine
from engine.explain.coverage import coverage, rule_ids
from engine.rulepack.pack import normalise_text

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))

SUB_ITEMS = [
    "2[1]", "2[2]", "20(a)", "20(a)(i)", "20(a)(ii)", *[f"20(a)(ii)[{i}]" for i in range(1, 6)], "20(a)(iii)",
    "20(a)(iv)", "20(b)", "20(c)", "20(c)(i)", "20(c)(ii)", "20(c)(iii)", "20(d)", "20(e)", "20(f)", "20(f)(i)",
    "20(f)(ii)", "20(g)", "22(a)", "22(b)", "22(c)", "22(d)", *[f"34[{i}]" for i in range(1, 7)], "47(i)",
    "47(ii)", "47(iii)", "48(i)", "48(ii)",
]


def test_every_operative_paragraph_and_sub_item_has_an_entry_in_the_resolution_s_order(engine: Engine) -> None:
    ids = [p.id for p in engine.pack.paragraphs]
    assert [i for i in ids if i.isdigit()] == [str(n) for n in range(1, 50)]
    assert set(SUB_ITEMS) <= set(ids)
    assert len(ids) == len(set(ids)) == 49 + len(SUB_ITEMS)
    numbers = [int(re.match(r"\d+", i).group()) for i in ids]  # type: ignore[union-attr]
    assert numbers == sorted(numbers)


def test_sub_items_follow_their_parent(engine: Engine) -> None:
    seen: set[str] = set()
    for paragraph in engine.pack.paragraphs:
        if paragraph.parent is not None:
            assert paragraph.parent in seen, paragraph.id
        seen.add(paragraph.id)


LABELS = {
    "top": r"(?P<n>\d+)\. $",
    "item": r"\((?P<n>[a-z]+)\) (?:[A-Z][^.;:]*? )?$",
    "bullet": r"- $",
}


def test_each_quotation_starts_where_its_paragraph_starts_in_the_resolution(engine: Engine) -> None:
    text = normalise_text(engine.pack.resolution_text)
    for paragraph in engine.pack.paragraphs:
        quoted = normalise_text(paragraph.text)
        at = text.find(quoted)
        assert at >= 0, paragraph.id
        before = text[max(0, at - 80):at]
        if paragraph.id.isdigit():
            assert before.endswith(f"{paragraph.id}. "), (paragraph.id, before)
        elif paragraph.id.endswith("]"):
            assert before.endswith("- ") or before.endswith(": "), (paragraph.id, before)
        end = text[at + len(quoted):at + len(quoted) + 1]
        assert quoted[-1] in ";:." or end in ("", " "), paragraph.id


def test_every_encoded_rule_is_exercised_by_some_bundled_scenario(engine: Engine) -> None:
    rows = coverage(engine, SCENARIOS)
    idle = [(row.paragraph.id, rule) for row in rows for rule, files in row.rules.items() if not files]
    assert idle == []


def test_a_paragraph_is_encoded_exactly_when_it_has_something_that_can_act(engine: Engine) -> None:
    for paragraph in engine.pack.paragraphs:
        assert bool(rule_ids(paragraph)) == paragraph.encoded, paragraph.id


def test_the_provisions_events_must_engage_are_encoded(engine: Engine) -> None:
    must = ["3", "4", "5", "6", "15", "16", "20(a)(ii)[1]", "20(c)(ii)", "20(d)", "20(e)", "20(f)(ii)", "22(b)",
            "22(c)", "22(d)", "26", "28", "35", "37", "38", "39", "40", "42", "47", "47(i)", "47(ii)", "47(iii)", "48"]
    assert [p for p in must if not engine.pack.paragraph(p).encoded] == []


def test_coverage_json_lists_every_paragraph_with_its_rules_and_scenarios(cli: Callable[..., object]) -> None:
    result = cli("coverage", "--json", "--scenarios", str(ROOT / "scenarios"))
    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert document["operative_paragraphs"] == 49
    by_id = {p["id"]: p for p in document["paragraphs"]}
    assert by_id["49"]["encoded"] is False and "seized" in by_id["49"]["not_engaged"]
    assert {r["id"] for r in by_id["37"]["rules"]} == {"37", "37/report", "37/grant", "37/intervene"}
    assert "timbuktu-2018.yaml" in by_id["37"]["scenarios"]


@pytest.mark.parametrize("paragraph_id", ["15", "37", "47"])
def test_coverage_table_names_each_paragraph(cli: Callable[..., object], paragraph_id: str) -> None:
    result = cli("coverage", "--scenarios", str(ROOT / "scenarios"))
    assert any(line.split()[0] == paragraph_id for line in result.out.splitlines()[3:])
