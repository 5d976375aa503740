"""The ledger's index of open duties: the oldest unanswered obligation of a definition and subject, at once."""

from __future__ import annotations

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


def test_duties_answered_in_turn_leave_the_index_so_that_no_call_scans_them_again() -> None:
    ledger = Ledger()
    for n in range(1_000):
        _duty(ledger, n)
    answered = 0
    while (duty := ledger.unanswered("47", "secretary-general", 0)) is not None:
        duty.answered = True
        answered += 1
        assert len(ledger._duties["47", "secretary-general"]) == 1_000 - answered + 1
    assert answered == 1_000 and len(ledger._duties["47", "secretary-general"]) == 0


def test_every_unanswered_duty_comes_oldest_first_without_the_answered_closed_or_not_yet_open_ones() -> None:
    ledger = Ledger()
    ids = [_duty(ledger, n, tick=n) for n in range(6)]
    _duty(ledger, 9, subject="france")
    ledger.findings[ids[0]].move(Status.VIOLATED, 5, note="late")
    ledger.findings[ids[1]].answered = True
    ledger.findings[ids[2]].move(Status.EXPIRED, 5, note="ground ended")
    ledger.findings[ids[3]].move(Status.VIOLATED, 5, note="late")
    assert [f.id for f in ledger.all_unanswered("47", "secretary-general", 4)] == [ids[0], ids[3], ids[4]]
    assert ledger.all_unanswered("47", "nobody", 4) == []


def test_an_explanation_part_is_written_when_first_read_and_once() -> None:
    ledger = Ledger()
    calls: list[int] = []

    def written() -> str:
        calls.append(1)
        return "Paragraph 47: the report."

    finding = ledger.open(id="47:x", paragraph="47", rule="47", kind=FindingKind.OBLIGATION, subject="sg", tick=0,
                          explanation=[written, " Due soon."], events=[])
    finding.tell(" Violated.")
    assert calls == []
    assert finding.explanation == "Paragraph 47: the report. Due soon. Violated."
    assert finding.explanation == "Paragraph 47: the report. Due soon. Violated."
    assert calls == [1]
    finding.tell(" Then answered.")
    assert finding.explanation == "Paragraph 47: the report. Due soon. Violated. Then answered."


def test_a_finding_pickles_with_its_explanation_written_out() -> None:
    import pickle

    ledger = Ledger()
    finding = ledger.open(id="47:x", paragraph="47", rule="47", kind=FindingKind.OBLIGATION, subject="sg", tick=0,
                          explanation=[lambda: "Deferred.", " Plain."], events=[])
    assert pickle.loads(pickle.dumps(finding)).explanation == "Deferred. Plain."
