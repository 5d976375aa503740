"""`obligations explain SCENARIO --why-not P --html FILE` (engine.outputs.whynothtml): the why-not answer as a
self-contained page showing the facts of the text and the JSON, escaped: an out-of-order join (which event came
first, by how much, the assumption and the --assume that frees the order) and a missed period (the nearest
report, days late, within the late-report window or not, the period it answered instead, the window and its
assumption)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from engine.outputs.html import escape, external_references

ROOT = Path(__file__).resolve().parent.parent
ORDER = ROOT / "scenarios" / "p37-a-request-before-the-threat-grants-only-if-the-order-is-free.yaml"
MISSED = ROOT / "scenarios" / "p47-a-report-after-two-missed-quarters-answers-the-period-it-is-filed-in.yaml"
ORDER_QUESTION = ("--why-not", "37", "--incident", "menaka-2017-10-20")
MISSED_QUESTION = ("--why-not", "47")


def _page_and_json(cli: Callable[..., Any], tmp_path: Path, scenario: Path, *question: str) -> tuple[str, Any]:
    target = tmp_path / "why-not.html"
    written = cli("explain", str(scenario), *question, "--html", str(target))
    assert written.code == 0, written.err
    answer = cli("explain", str(scenario), *question, "--json")
    assert answer.code == 0, answer.err
    assert written.out == cli("explain", str(scenario), *question).out  # the text is still printed
    return target.read_text(encoding="utf-8"), json.loads(answer.out)


def test_the_page_of_an_out_of_order_join_says_which_event_came_first_by_how_much_and_how_to_free_the_order(
        cli: Callable[..., Any], tmp_path: Path) -> None:
    page, answer = _page_and_json(cli, tmp_path, ORDER, *ORDER_QUESTION)
    broken = [r["order"] for r in answer["rules"] if r["order"] is not None and not r["order"]["met"]]
    assert broken  # the bundled scenario joins its request before its threat
    for order in broken:
        assert f'<span class="mono">{escape(order["parameter"])}</span>' in page
        assert (f'{escape(order["early"]["as"])} (event <span class="mono">{escape(order["early"]["event"])}</span>), '
                f'{escape(order["by"])} before {escape(order["before"]["as"])}') in page
        assert f"<code>{escape(order['change'])}</code>" in page
        assert escape(" then ".join(order["needs"])) in page
    for rule in answer["rules"]:
        for check in rule["checks"]:
            assert escape(check["reason"]) in page
    assert all(escape(reason) in page for reason in answer["reasons"])


def test_the_page_of_a_missed_period_gives_each_nearest_report_s_days_late_window_and_the_period_it_answered(
        cli: Callable[..., Any], tmp_path: Path) -> None:
    page, answer = _page_and_json(cli, tmp_path, MISSED, *MISSED_QUESTION)
    rows = 0
    for obligation in answer["obligations"]:
        window = obligation["late_window"]
        assert window is not None
        assert f"<dd>{escape(window['limit'])}</dd>" in page
        assert f'<span class="mono">{escape(window["parameter"])}</span> (its default)' in page
        for items in obligation["near"].values():
            for near in items:
                days = near["days_late"]
                within = {None: "-", True: "yes", False: "no"}[near["within_late_window"]]
                row = (f'<td class="mono">{escape(near["event"]["id"])}</td><td>{escape(near["event"]["when"])}</td>'
                       f'<td class="num">{"-" if days is None else days}</td><td>{within}</td>'
                       f'<td class="mono">{escape(", ".join(near["answered"]) or "-")}</td>'
                       f'<td class="mono">{escape(", ".join(near.get("unmet", [])) or "-")}</td>'
                       f"<td>{escape('; '.join(near['reasons']))}</td>")
                assert row in page
                rows += 1
    assert rows >= 3
    late = [n for o in answer["obligations"] for items in o["near"].values() for n in items
            if n["days_late"] and n["answered"]]
    assert any(not n["within_late_window"] for n in late) and any(n["within_late_window"] for n in late)
    assert "--assume &#x27;late_report_window={&quot;days&quot;: 103}&#x27;" in page  # the window to widen it to


def test_an_overridden_late_window_is_shown_overridden(cli: Callable[..., Any], tmp_path: Path) -> None:
    target = tmp_path / "why-not.html"
    result = cli("explain", str(MISSED), *MISSED_QUESTION, "--assume", 'late_report_window={"days": 120}',
                 "--html", str(target))
    assert result.code == 0, result.err
    page = target.read_text(encoding="utf-8")
    assert "<dd>120 days</dd>" in page and "late_report_window</span> (overridden)" in page


def test_the_page_escapes_every_text_and_loads_nothing_from_elsewhere(
        cli: Callable[..., Any], write: Callable[[str, str], Path], tmp_path: Path) -> None:
    scenario = write("hostile.yaml", f"""\
        name: <img onerror=alert(1)> & "quotes"
        description: <script>alert(2)</script>
        extends: {MISSED}
        """)
    target = tmp_path / "why-not.html"
    result = cli("explain", str(scenario), *MISSED_QUESTION, "--html", str(target))
    assert result.code == 0, result.err
    page = target.read_text(encoding="utf-8")
    assert "<img" not in page and "<script" not in page
    assert "&lt;img onerror=alert(1)&gt; &amp; &quot;quotes&quot;" in page
    assert external_references(page) == []


def test_the_same_question_gives_a_byte_identical_page(cli: Callable[..., Any], tmp_path: Path) -> None:
    pages = []
    for name in ("a.html", "b.html"):
        assert cli("explain", str(ORDER), *ORDER_QUESTION, "--html", str(tmp_path / name)).code == 0
        pages.append((tmp_path / name).read_bytes())
    assert pages[0] == pages[1]


@pytest.mark.parametrize(("args", "says"), [
    (("37:2018-06-29", "--html", "x.html"), "--html goes with --why-not"),
    (("--why-not", "37", "--html", "x.pdf"), "must end in .html"),
    (("--why-not", "37", "--html", "no/such/folder/x.html"), "no such folder"),
])
def test_an_html_page_without_why_not_or_that_cannot_be_written_is_bad_input_before_the_replay(
        cli: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        spy: Callable[[Any, str, int], list[Any]], args: tuple[str, ...], says: str) -> None:
    from engine import Engine

    monkeypatch.chdir(tmp_path)
    replayed = spy(Engine, "run", 1)
    result = cli("explain", str(ORDER), *args)
    assert (result.code, result.out, replayed) == (2, "", [])
    assert says in result.err and result.err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []
