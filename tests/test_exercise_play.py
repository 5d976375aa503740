"""`obligations exercise play`, driven through a pseudo-terminal as a trainee would use it."""

from __future__ import annotations

import sys
from pathlib import Path

import pexpect
import pytest

from engine import Engine
from engine.exercise import load_answers, load_exercise

ROOT = Path(__file__).resolve().parent.parent
EXERCISE = ROOT / "exercises" / "timbuktu-2018.yaml"
TIMEOUT_SECONDS = 60  # the machine may be busy; a prompt normally comes within a second


def _spawn(answers: Path, *extra: str) -> pexpect.spawn:
    child = pexpect.spawn(sys.executable, ["-m", "engine.cli", "exercise", "play", str(EXERCISE), "--answers",
                                           str(answers), *extra],
                          cwd=str(ROOT), encoding="utf-8", timeout=TIMEOUT_SECONDS, dimensions=(50, 200))
    return child


def _answer(child: pexpect.spawn, paragraph: str, kind: str, who: str, status: str = "", due: str | None = "") -> None:
    child.expect("Paragraph")
    child.sendline(paragraph)
    child.expect("Kind")
    child.sendline(kind)
    child.expect("Who")
    child.sendline(who)
    child.expect("Status")
    child.sendline(status)
    if due is not None:
        child.expect("Due")
        child.sendline(due)
    child.expect("Recorded")


def test_a_trainee_plays_every_move_and_gets_the_score_and_what_was_missed(tmp_path: Path) -> None:
    answers = tmp_path / "diallo.yaml"
    child = _spawn(answers)
    child.expect("legal adviser of MINUSMA's Force Commander")  # the briefing
    child.expect("Your name: ")
    child.sendline("Capt. Diallo")
    child.expect("tbk-attack: attack on 14 April 2018 at 14:35 UTC")  # the move's injects in words
    _answer(child, "20(d)", "a", "MINUSMA", "granted", "2018-06-30")
    child.expect("Paragraph")
    child.sendline("")
    child.expect(r"Move 1: (\d+)/100: 1 of 3 found")
    child.expect("Missed: ¶20\\(e\\) engagement of MINUSMA")
    child.expect("To protect the United Nations personnel")  # the engine's explanation quotes the paragraph
    child.expect("Move 2 of 4")
    _answer(child, "37", "a", "French forces", "granted", "2018-06-30")
    for _ in range(3):  # moves 2 to 4: end each one
        child.expect("Paragraph")
        child.sendline("")
    child.expect(r"Final score: ([\d.]+)/100")
    final = float(child.match.group(1))
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    sheet = load_answers(answers, Engine(), load_exercise(EXERCISE, Engine()))
    assert sheet.trainee == "Capt. Diallo"
    assert [(a.move, a.paragraph, a.kind, a.subject, a.status, a.due) for a in sheet.answers] == [
        (1, "20(d)", "authorization", "minusma", "granted", "2018-06-30"),
        (2, "37", "authorization", "french-forces", "granted", "2018-06-30")]
    assert 0 < final < 100


def test_tab_completes_actor_names_and_paragraphs(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    child = _spawn(answers, "--trainee", "Lt. Tab")
    child.expect("Paragraph")
    child.send("20(e\t")
    child.expect_exact("20(e)")
    child.sendline("")
    child.expect("Kind")
    child.sendline("g")
    child.expect("Who")
    child.send("Secretary-G\t")
    child.expect_exact("Secretary-General")
    child.sendline("")
    child.expect("Status")
    child.sendline("engaged")
    child.expect("Recorded: ¶20\\(e\\) engagement Secretary-General, engaged")
    child.sendline("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_a_wrong_reply_is_asked_again_and_nothing_is_recorded_for_it(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    child = _spawn(answers, "--trainee", "Lt. Typo")
    child.expect("Paragraph")
    child.sendline("99")
    child.expect("unknown paragraph '99'")
    child.expect("Paragraph")
    child.sendline("37")
    child.expect("Kind")
    child.sendline("z")
    child.expect("unknown kind 'z'")
    child.expect("Kind")
    child.sendline("a")
    child.expect("Who")
    child.sendline("Narnia")
    child.expect("unknown actor 'Narnia'")
    child.expect("Who")
    child.sendcontrol("d")
    child.expect("Stopped")
    child.expect(pexpect.EOF)
    child.close()
    assert load_answers(answers, Engine()).answers == ()


@pytest.mark.parametrize("stop", ["ctrl-c", "ctrl-d"])
def test_answers_given_before_ctrl_c_or_ctrl_d_are_kept_and_play_resumes_there(tmp_path: Path, stop: str) -> None:
    answers = tmp_path / "answers.yaml"
    child = _spawn(answers, "--trainee", "Lt. Stop")
    _answer(child, "20(e)", "g", "MINUSMA", "engaged", due=None)
    child.expect("Paragraph")
    child.sendline("")
    child.expect("Move 2 of 4")
    _answer(child, "37", "a", "French forces")
    child.expect("Paragraph")
    for _ in range(10):  # a key pressed just as the prompt appears can reach the program before it waits
        if stop == "ctrl-c":
            child.sendintr()
        else:
            child.sendeof()
        if child.expect(["Stopped. Your answers are in", pexpect.TIMEOUT], timeout=5) == 0:
            break
    else:
        raise AssertionError(f"{stop} did not stop play: {child.before!r}")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == (130 if stop == "ctrl-c" else 0)
    kept = load_answers(answers, Engine())
    assert [(a.move, a.paragraph) for a in kept.answers] == [(1, "20(e)"), (2, "37")]
    again = _spawn(answers)
    again.expect("Resuming .* at move 2: 2 answers kept")
    again.expect("Move 2 of 4")
    again.sendline("q")
    again.expect(pexpect.EOF)
    again.close()
    assert len(load_answers(answers, Engine()).answers) == 2


def test_the_terminal_escapes_control_characters_from_files(capsys: pytest.CaptureFixture[str]) -> None:
    from engine.exercise.play import Terminal

    Terminal().say("Move 1: \x1b[2Jok: this scenario is valid\r")
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\r" not in out
    assert "\\u001b[2Jok" in out


def test_play_shows_the_events_of_the_scenario_s_event_log_among_a_move_s_injects(tmp_path: Path) -> None:
    exercise = ROOT / "exercises" / "timbuktu-2018-from-an-event-log.yaml"
    child = pexpect.spawn(sys.executable, ["-m", "engine.cli", "exercise", "play", str(exercise), "--answers",
                                           str(tmp_path / "answers.yaml"), "--trainee", "Lt. Log"],
                          cwd=str(ROOT), encoding="utf-8", timeout=TIMEOUT_SECONDS, dimensions=(50, 200))
    child.expect("Move 1 of 2")
    child.expect("tbk-request: intervention_request on 14 April 2018 at 14:50 UTC")  # from the log
    child.expect("Paragraph")
    child.sendline("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
