"""The exercise in real browsers: Playwright drives Debian's Chromium, headless, against a real server process
on 127.0.0.1. A controller releases and closes moves while two trainees, each in their own browser context,
join and answer; a screenshot of each page is saved under the test's folder.

Chromium is Debian's (``/usr/bin/chromium``, installed by ``scripts/chromium``, which ``./test`` runs);
Playwright never downloads a browser of its own here."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from serverproc import Server, start_server

EXERCISE = Path(__file__).resolve().parent.parent / "exercises" / "timbuktu-2018.yaml"
WAIT_MS = 30_000  # the longest a page may take to show what is expected (on two busy cores)
VIEWPORT = {"width": 1280, "height": 800}  # a laptop's screen



@pytest.fixture
def running(tmp_path: Path) -> Iterator[Server]:
    server = start_server(EXERCISE, tmp_path / "run.sqlite")
    yield server
    server.stop()


def _page(browser: Any) -> Any:
    page = browser.new_context(viewport=VIEWPORT).new_page()
    page.set_default_timeout(WAIT_MS)
    return page


def _join(browser: Any, server: Server, name: str) -> Any:
    page = _page(browser)
    page.goto(server.join_url)
    page.fill("#name", name)
    page.click("#join-form button[type=submit]")
    page.wait_for_url("**/trainee")
    return page


def _answer(page: Any, paragraph: str, kind: str, subject: str, status: str = "") -> None:
    form = page.locator("form.answer-form")
    form.locator("select[name=paragraph]").select_option(paragraph)
    form.locator("select[name=kind]").select_option(kind)
    form.locator("select[name=subject]").select_option(subject)
    if status:
        form.locator("select[name=status]").select_option(status)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def _control(page: Any, label: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=label, exact=True).click()


def test_a_controller_and_two_trainees_run_the_exercise_in_browsers(browser: Any, running: Server,
                                                                       tmp_path: Path) -> None:
    controller = _page(browser)
    controller.goto(running.controller_url)
    controller.wait_for_url("**/controller")
    assert "Ready to start" in controller.locator(".controls h2").inner_text()

    diallo = _join(browser, running, "Capt. Diallo")
    traore = _join(browser, running, "Lt. Traoré")
    assert "Waiting for the controller" in diallo.locator(".banner").inner_text()
    diallo.screenshot(path=str(tmp_path / "trainee-waiting.png"), full_page=True)

    _control(controller, "Release move 1")
    # each trainee's page notices the release by itself
    diallo.locator("#move-1 form.answer-form").wait_for()
    traore.locator("#move-1 form.answer-form").wait_for()
    assert "Threat" in diallo.locator("#move-1 .injects").inner_text()
    assert diallo.locator("#move-2").count() == 0  # nothing of a later move

    _answer(diallo, "20(d)", "authorization", "minusma", "granted")
    _answer(diallo, "20(e)", "engagement", "minusma")
    _answer(traore, "37", "authorization", "french-forces")
    assert diallo.locator("#move-1 table.answers tbody tr").count() == 2
    assert traore.locator("#move-1 table.answers tbody tr").count() == 1
    assert "20(d)" not in traore.locator("#move-1 table.answers").inner_text()  # not another trainee's answers
    diallo.screenshot(path=str(tmp_path / "trainee-answering.png"), full_page=True)

    controller.locator("#live td", has_text="Lt. Traoré").wait_for()
    rows = controller.locator("#live table.live tbody tr")
    assert rows.count() == 2
    controller.screenshot(path=str(tmp_path / "controller-move-1.png"), full_page=True)

    _control(controller, "Close move 1 and release move 2")
    diallo.locator("#move-1 .result").wait_for()
    traore.locator("#move-1 .result").wait_for()
    assert "Your score for this move" in diallo.locator("#move-1 .result").inner_text()
    assert "What you missed" in traore.locator("#move-1 .result").inner_text()
    assert diallo.locator("#move-2 form.answer-form").count() == 1
    diallo.screenshot(path=str(tmp_path / "trainee-scored.png"), full_page=True)
    traore.screenshot(path=str(tmp_path / "trainee-2-scored.png"), full_page=True)

    controller.reload()
    scores = controller.locator("#live td.score").all_inner_texts()
    assert len(scores) == 2 and all(s != "—" for s in scores)
    assert float(scores[0]) > float(scores[1])  # two right answers against one wrong
    controller.screenshot(path=str(tmp_path / "controller-move-2.png"), full_page=True)

    debrief = controller.context.new_page()
    debrief.goto(running.controller_url.split("/controller")[0] + "/debrief")
    assert "Capt. Diallo" in debrief.locator("body").inner_text()
    debrief.screenshot(path=str(tmp_path / "debrief.png"), full_page=True)
    # to the end: the last move closed, each trainee sees every move scored
    _control(controller, "Close move 2 and release move 3")
    _control(controller, "Close move 3 and release move 4")
    _control(controller, "Close the last move")
    assert "The exercise is over" in controller.locator(".controls h2").inner_text()
    traore.locator(".banner", has_text="The exercise is over").wait_for()
    assert traore.locator(".result").count() == 4
    traore.screenshot(path=str(tmp_path / "trainee-over.png"), full_page=True)
    for name in ("trainee-waiting", "trainee-answering", "trainee-scored", "trainee-2-scored", "controller-move-1",
                 "controller-move-2", "debrief", "trainee-over"):
        assert (tmp_path / f"{name}.png").stat().st_size > 10_000


def test_a_wrong_answer_shows_the_reason_in_the_form(browser: Any, running: Server) -> None:
    controller = _page(browser)
    controller.goto(running.controller_url)
    _control(controller, "Release move 1")
    trainee = _join(browser, running, "Capt. Diallo")
    form = trainee.locator("form.answer-form")
    form.locator("select[name=paragraph]").select_option("20(d)")
    form.locator("select[name=kind]").select_option("authorization")
    form.locator("select[name=subject]").select_option("minusma")
    form.locator("input[name=due]").fill("2018-06-30")
    _control(controller, "Close move 1")  # the move closes while the trainee is still writing
    form.locator("button[type=submit]").click()
    error = form.locator(".error")
    error.wait_for()
    assert "move 1 is closed" in error.inner_text()
