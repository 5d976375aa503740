"""The report page (engine.outputs.html) in a real browser: Playwright drives Debian's Chromium, headless and
offline; the page must load nothing but itself, sort by a column when its heading is clicked, and filter by text
and by status."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engine import Engine
from engine.outputs.html import write_html

HEADLINE = Path(__file__).resolve().parent.parent / "scenarios" / "timbuktu-2018.yaml"



def test_the_report_page_sorts_and_filters_offline(browser: Any, engine: Engine, tmp_path: Path) -> None:
    scenario = engine.load(HEADLINE)
    report = engine.run(scenario)
    target = write_html(report, engine.pack, scenario, tmp_path / "report.html")
    context = browser.new_context(offline=True)
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(target.as_uri())
    rows = page.locator("table.findings tbody tr")
    assert rows.count() == len(report.findings)

    page.click("table.findings th:text-is('opened')")
    page.click("table.findings th:text-is('opened')")  # twice: latest first
    opened = [rows.nth(i).locator("td").nth(5).get_attribute("data-sort") for i in range(rows.count())]
    assert opened == sorted((f.opened for f in report.findings), reverse=True)

    page.select_option("#findings-filters select[name=status]", "violated")
    shown = page.locator("table.findings tbody tr:not([hidden])")
    violated = [f.id for f in report.findings if f.status == "violated"]
    assert sorted(shown.nth(i).locator("td").nth(1).inner_text() for i in range(shown.count())) == sorted(violated)
    assert page.locator("#findings-filters output").inner_text() == f"{len(violated)} of {len(report.findings)} shown"

    page.select_option("#findings-filters select[name=status]", "")
    page.fill("#findings-filters input", "french forces")
    texts = [shown.nth(i).inner_text().lower() for i in range(shown.count())]
    assert texts and all("french forces" in t for t in texts) and len(texts) < len(report.findings)

    assert errors == []
    assert requested == [target.as_uri()]
    context.close()
