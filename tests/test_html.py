"""The report page (engine.outputs.html, ``obligations run --html``): self-contained, complete, escaped, stable."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from engine import Engine
from engine.outputs.html import external_references, findings_table_html, page, report_html

ROOT = Path(__file__).resolve().parent.parent
HEADLINE = str(ROOT / "scenarios" / "timbuktu-2018.yaml")
VOID = {"meta", "br", "input", "img", "hr", "link", "path", "rect", "use", "stop", "circle", "line", "polyline",
        "polygon", "ellipse", "image"}


class _Tags(HTMLParser):
    """Checks that elements nest and close, and collects the table rows' finding ids."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.errors: list[str] = []
        self.rows: list[str] = []
        self._cell = 0
        self._in_row = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr" and any(name == "data-status" for name, _ in attrs):
            self._in_row, self._cell = True, 0
        if tag == "td" and self._in_row:
            self._cell += 1
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.open or self.open[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.open[-1] if self.open else None}>")
            return
        self.open.pop()
        if tag == "tr":
            self._in_row = False

    def handle_data(self, data: str) -> None:
        if self._in_row and self._cell == 2 and data.strip():
            self.rows.append(data.strip())


def _page(engine: Engine, path: str = HEADLINE) -> tuple[Any, str]:
    scenario = engine.load(path)
    report = engine.run(scenario)
    return report, report_html(report, engine.pack, scenario)


def test_the_page_holds_every_finding_with_its_explanation_and_words(engine: Engine) -> None:
    report, text = _page(engine)
    tags = _Tags()
    tags.feed(text)
    assert tags.errors == [] and tags.open == []
    assert tags.rows == [f.id for f in report.findings]
    for finding in report.findings:
        assert finding.explanation.replace('"', "&quot;").replace("'", "&#x27;") in text
    assert "Requests the Secretary-General to report to the Security Council every three months" in text
    assert "threat_request_window" in text and "2017-06-29" in text and "2018-06-30" in text
    assert "<svg" in text and "<table class=\"findings\"" in text


def test_the_page_loads_nothing_from_elsewhere(engine: Engine) -> None:
    _, text = _page(engine)
    assert external_references(text) == []
    assert not re.search(r"<(script|link|img|iframe)[^>]*\b(src|href)=", text)
    assert external_references('<img src="https://example.org/x.png"><style>@import "a.css";</style>')


def test_every_text_from_the_scenario_is_escaped(engine: Engine, write: Callable[[str, str], Path]) -> None:
    path = write("hostile.yaml", """\
        name: "<script>alert('x')</script> & \\"quotes\\""
        events:
          - {id: clash, at: 2017-07-11T06:00Z, type: ceasefire_violation, by: GATIA, note: "<b>bold</b>"}
        """)
    _, text = _page(engine, str(path))
    assert "<script>alert" not in text and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp;" in text
    assert text.count("<script>") == 1  # the page's own


def test_the_same_replay_gives_a_byte_identical_page(engine: Engine) -> None:
    assert _page(engine)[1] == _page(Engine())[1]


def test_run_writes_the_page_of_the_filtered_findings(cli: Callable[..., Any], engine: Engine,
                                                      tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    result = cli("run", HEADLINE, "--html", str(target), "--status", "violated")
    assert result.code == 0, result.err
    tags = _Tags()
    tags.feed(target.read_text(encoding="utf-8"))
    violated = [f.id for f in engine.run(HEADLINE).findings if f.status == "violated"]
    assert violated and tags.rows == violated
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


@pytest.mark.parametrize(("name", "says"), [("report.txt", "must end in .html"), ("no/report.html", "no such folder")])
def test_a_page_that_cannot_be_written_is_bad_input(cli: Callable[..., Any], tmp_path: Path, name: str,
                                                   says: str) -> None:
    result = cli("run", HEADLINE, "--html", str(tmp_path / name))
    assert result.code == 2 and result.out == "" and says in result.err
    assert list(tmp_path.iterdir()) == []


def test_the_parts_escape_their_text_and_stand_alone(engine: Engine) -> None:
    whole = page("A <title>", "<p>body</p>", script=False)
    assert "<title>A &lt;title&gt;</title>" in whole and "<script>" not in whole
    assert findings_table_html([]) == "<p>No finding.</p>"
    report = engine.run(HEADLINE)
    table = findings_table_html(report.findings[:2])
    assert table.count("<tr data-status=") == 2 and "Paragraph" not in table.split("<details>")[0]
