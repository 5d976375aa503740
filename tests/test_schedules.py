"""Due dates of the scheduled duties come from the rule data, as the resolution states them."""

from __future__ import annotations

import itertools
from datetime import date

from engine import Engine
from engine.replay.schedules import periods


def test_paragraph_47_falls_due_four_times_every_three_months_after_adoption(engine: Engine) -> None:
    obligation, _ = engine.pack.obligations["47"]
    dues = [p.due for p in periods(engine.pack, obligation)]
    assert dues == [date(2017, 9, 29), date(2017, 12, 29), date(2018, 3, 29), date(2018, 6, 29)]


def test_paragraph_47_periods_follow_each_other_without_a_gap(engine: Engine) -> None:
    obligation, _ = engine.pack.obligations["47"]
    found = periods(engine.pack, obligation)
    assert found[0].opens.date() == date(2017, 6, 29)
    for before, after in itertools.pairwise(found):
        assert after.opens.date() == date.fromordinal(before.due.toordinal() + 1)


def test_paragraph_48_falls_due_180_days_after_adoption_on_26_december_2017(engine: Engine) -> None:
    obligation, _ = engine.pack.obligations["48"]
    assert [p.due for p in periods(engine.pack, obligation)] == [date(2017, 12, 26)]


def test_reading_every_three_months_as_every_90_days_moves_the_due_dates(engine: Engine) -> None:
    pack = engine.pack.with_assumptions({"quarterly_interval": {"days": 90}})
    obligation, _ = pack.obligations["47"]
    dues = [p.due for p in periods(pack, obligation)]
    assert dues == [date(2017, 9, 27), date(2017, 12, 26), date(2018, 3, 26), date(2018, 6, 24)]
