"""The ledger's index of open duties: the oldest unanswered obligation of a definition and subject, at once."""

from __future__ import annotations

import time

from engine.replay.ledger import FindingKind, Ledger, Status


def _duty(ledger: Ledger, number: int, subject: str = "secretary-general", tick: int = 0) -> str:
    finding_id = f"47:{number}"
    ledger.open(id=finding_id, paragraph="47", rule="47", kind=FindingKind.OBLIGATION, subject=subject, tick=tick,
                explanation="", events=[])
    return finding_id


def test_the_oldest_unanswered_duty_of_the_definition_and_subject_comes_first_and_violated_ones_still_count() -> None:
    ledger = Ledger()
    first, second, third = (_duty(ledger, n) for n in range(3))
    _duty(ledger, 9, subject="france")
    ledger.findings[first].move(Status.VIOLATED, 5, note="late")
    assert ledger.unanswered("47", "secretary-general", 10) is ledger.findings[first]
    ledger.findings[first].answered = True
    ledger.findings[second].move(Status.FULFILLED, 6, note="in time")
    assert ledger.unanswered("47", "secretary-general", 10) is ledger.findings[third]
    assert ledger.unanswered("47", "nobody", 10) is None
    assert ledger.unanswered("48", "secretary-general", 10) is None


def test_a_duty_opened_after_the_tick_asked_about_is_not_yet_due_an_answer() -> None:
    ledger = Ledger()
    _duty(ledger, 1, tick=100)
    assert ledger.unanswered("47", "secretary-general", 50) is None
    assert ledger.unanswered("47", "secretary-general", 100) is not None


def test_answering_many_duties_in_turn_costs_linear_time_not_quadratic() -> None:
    def answer_all(count: int) -> float:
        ledger = Ledger()
        for n in range(count):
            _duty(ledger, n)
        started = time.perf_counter()
        while (duty := ledger.unanswered("47", "secretary-general", 0)) is not None:
            duty.answered = True
        return time.perf_counter() - started

    small, large = answer_all(2_000), answer_all(40_000)
    assert large < 20 * small * 4  # 20 times the duties; quadratic would cost 400 times
