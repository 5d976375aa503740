"""The `obligations exercise` commands: key, score and debrief on the bundled exercises; bad input exits 2."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from engine.exercise.debrief import external_references

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = ROOT / "exercises"
ANSWERS = EXERCISES / "answers"


@pytest.mark.parametrize("name", ["timbuktu-2018", "mandate-year-2017-2018"])
def test_the_perfect_sample_sheet_scores_100_on_each_bundled_exercise(cli: Callable[..., Any], name: str) -> None:
    result = cli("exercise", "score", str(EXERCISES / f"{name}.yaml"), str(ANSWERS / f"{name}-perfect.yaml"),
                 str(ANSWERS / f"{name}-partial.yaml"), "--json")
    assert result.code == 0, result.err
    perfect, partial = json.loads(result.out)["trainees"]
    assert perfect["score"] == 100 and all(not m["missed"] and not m["wrong"] for m in perfect["moves"])
    assert 0 < partial["score"] < 100


def test_the_key_command_prints_the_moves_for_controllers(cli: Callable[..., Any]) -> None:
    text = cli("exercise", "key", str(EXERCISES / "timbuktu-2018.yaml"))
    as_json = cli("exercise", "key", str(EXERCISES / "timbuktu-2018.yaml"), "--json")
    assert text.code == as_json.code == 0
    for move in json.loads(as_json.out)["moves"]:
        assert f"Move {move['move']}: {move['name']}" in text.out
        assert all(f["id"] in text.out for f in move["expected"])


def test_releasing_a_contingency_inject_changes_the_key(cli: Callable[..., Any]) -> None:
    plain = json.loads(cli("exercise", "key", str(EXERCISES / "timbuktu-2018.yaml"), "--json").out)
    released = json.loads(cli("exercise", "key", str(EXERCISES / "timbuktu-2018.yaml"), "--json",
                              "--release", "tbk-second-threat").out)
    assert "tbk-second-threat" in released["moves"][1]["injects"]
    assert len(released["moves"][1]["expected"]) > len(plain["moves"][1]["expected"])


def test_the_debrief_is_one_self_contained_page_with_every_trainee_and_move(cli: Callable[..., Any],
                                                                          tmp_path: Path) -> None:
    target = tmp_path / "debrief.html"
    result = cli("exercise", "debrief", str(EXERCISES / "timbuktu-2018.yaml"),
                 str(ANSWERS / "timbuktu-2018-perfect.yaml"), str(ANSWERS / "timbuktu-2018-partial.yaml"),
                 "-o", str(target))
    assert result.code == 0, result.err
    page = target.read_text(encoding="utf-8")
    assert external_references(page) == []
    assert "<svg" in page and page.count("end of move") == 4  # the timeline, with each move's end marked
    assert "Capt. Diallo" in page and "Maj. Keita" in page
    assert all(f"Move {n}:" in page for n in range(1, 5))
    # a missed finding comes with the engine's explanation and the paragraph's words
    assert "47(iii):secretary-general:2018-06-29" in page and "Paragraph 47(iii): on coordination" in page
    assert "said due 2018-07-14" in page  # a finding found with a wrong date says so
    assert [p.name for p in tmp_path.iterdir()] == ["debrief.html"]


def test_the_debrief_escapes_what_trainees_wrote(cli: Callable[..., Any], write: Callable[[str, str], Path],
                                                 tmp_path: Path) -> None:
    sheet = write("evil.yaml", "trainee: \"<script>alert(1)</script>\"\nanswers: []\n")
    target = tmp_path / "debrief.html"
    assert cli("exercise", "debrief", str(EXERCISES / "timbuktu-2018.yaml"), str(sheet), "-o", str(target)).code == 0
    page = target.read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_same_inputs_give_a_byte_identical_debrief(cli: Callable[..., Any], tmp_path: Path) -> None:
    pages = []
    for name in ("a.html", "b.html"):
        cli("exercise", "debrief", str(EXERCISES / "timbuktu-2018.yaml"), str(ANSWERS / "timbuktu-2018-partial.yaml"),
            "-o", str(tmp_path / name))
        pages.append((tmp_path / name).read_bytes())
    assert pages[0] == pages[1]


@pytest.mark.parametrize(("answers", "where"), [
    ("trainee: X\nanswers:\n  - {move: 1, paragraph: '99', kind: obligation, subject: SG}\n", "bad.yaml:3:"),
    ("trainee: X\nanswers:\n  - {move: 1, paragraph: '37', kind: obligation, subject: Narnia}\n", "bad.yaml:3:"),
    ("trainee: X\nanswers:\n  - {move: 1, paragraph: '37', kind: wish, subject: SG}\n", "bad.yaml:3:"),
])
def test_a_bad_answers_file_is_one_line_at_its_place_and_exit_2(cli: Callable[..., Any],
                                                              write: Callable[[str, str], Path], tmp_path: Path,
                                                              answers: str, where: str) -> None:
    sheet = write("bad.yaml", answers)
    for command in (["score"], ["debrief"]):
        extra = ["-o", str(tmp_path / "out.html")] if command == ["debrief"] else []
        result = cli("exercise", *command, str(EXERCISES / "timbuktu-2018.yaml"), str(sheet), *extra)
        assert (result.code, result.out) == (2, "")
        assert where in result.err and result.err.count("\n") == 1
    assert not (tmp_path / "out.html").exists()


def test_an_unknown_contingency_inject_or_a_debrief_not_in_html_is_bad_input(cli: Callable[..., Any],
                                                                            tmp_path: Path) -> None:
    key = cli("exercise", "key", str(EXERCISES / "timbuktu-2018.yaml"), "--release", "nothing")
    assert key.code == 2 and "no contingency inject 'nothing'" in key.err
    debrief = cli("exercise", "debrief", str(EXERCISES / "timbuktu-2018.yaml"),
                  str(ANSWERS / "timbuktu-2018-partial.yaml"), "-o", str(tmp_path / "debrief.pdf"))
    assert debrief.code == 2 and "must end in .html" in debrief.err


def test_the_debrief_of_an_exercise_over_an_event_log_draws_and_lists_the_log_s_events(
        cli: Callable[..., Any], write: Callable[[str, str], Path], tmp_path: Path) -> None:
    sheet = write("sheet.yaml", "trainee: Lt. Traore\nanswers:\n"
                  "  - {move: 1, paragraph: \"37\", kind: authorization, subject: French forces, status: granted}\n")
    target = tmp_path / "debrief.html"
    result = cli("exercise", "debrief", str(EXERCISES / "timbuktu-2018-from-an-event-log.yaml"), str(sheet),
                 "-o", str(target))
    assert result.code == 0, result.err
    page = target.read_text(encoding="utf-8")
    timeline = page[page.index("<svg"):page.index("</svg>")]
    assert "<!-- tbk-intervention -->" in timeline  # the log's event in the picture's event lanes
    assert "tbk-request: intervention_request on 14 April 2018 at 14:50 UTC" in page  # and among move 1's injects


def test_a_debrief_whose_timeline_would_draw_more_events_than_a_picture_draws_is_refused_before_any_replay(
        cli: Callable[..., Any], write: Callable[[str, str], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        spy: Callable[[Any, str, int], list[Any]]) -> None:
    from engine import Engine
    from engine.outputs import plot

    sheet = write("sheet.yaml", "trainee: Lt. Traore\nanswers: []\n")
    exercise = str(EXERCISES / "timbuktu-2018-from-an-event-log.yaml")
    target = tmp_path / "debrief.html"
    replayed = spy(Engine, "run", 1)
    monkeypatch.setattr(plot, "MAX_EVENTS_DRAWN", 3)
    refused = cli("exercise", "debrief", exercise, str(sheet), "-o", str(target))
    assert (refused.code, refused.out, replayed) == (2, "", [])
    assert len(refused.err.strip().splitlines()) == 1
    assert "more than 3 events" in refused.err and "MAX_EVENTS_DRAWN" in refused.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sheet.yaml"]
    monkeypatch.setattr(plot, "MAX_EVENTS_DRAWN", 1000)
    drawn = cli("exercise", "debrief", exercise, str(sheet), "-o", str(target))
    assert drawn.code == 0, drawn.err
    assert replayed and target.exists()
