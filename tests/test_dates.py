"""Calendar arithmetic and the clock's conventions."""

from __future__ import annotations

from datetime import UTC, date, datetime

from engine.dates import Clock, add_months, end_of, human_instant, iso_instant, long_date


def test_adding_three_months_to_29_june_gives_29_september() -> None:
    assert add_months(date(2017, 6, 29), 3) == date(2017, 9, 29)


def test_a_day_missing_from_the_target_month_is_clamped_to_its_last_day() -> None:
    assert add_months(date(2017, 8, 31), 1) == date(2017, 9, 30)
    assert add_months(date(2017, 11, 30), 3) == date(2018, 2, 28)


def test_a_day_named_as_a_limit_ends_at_midnight_after_it() -> None:
    assert end_of(date(2018, 6, 30)) == datetime(2018, 7, 1, tzinfo=UTC)


def test_ticks_are_whole_seconds_since_the_origin_and_convert_back() -> None:
    clock = Clock(datetime(2017, 6, 29, tzinfo=UTC))
    moment = datetime(2017, 6, 30, 0, 0, 5, tzinfo=UTC)
    assert clock.tick(moment) == 86_405
    assert clock.moment(86_405) == moment
    assert clock.tick(datetime(2017, 6, 28, tzinfo=UTC)) == -86_400


def test_simpy_time_settles_limits_before_the_events_of_the_same_instant() -> None:
    assert Clock.sim_time(10, 0) < Clock.sim_time(10, 1) < Clock.sim_time(11, 0)
    assert Clock.tick_of(Clock.sim_time(10, 1)) == 10


def test_instants_are_written_in_utc() -> None:
    assert iso_instant(datetime(2018, 4, 14, 14, 30, tzinfo=UTC)) == "2018-04-14T14:30:00Z"
    assert human_instant(datetime(2018, 4, 14, tzinfo=UTC)) == "2018-04-14"
    assert human_instant(datetime(2018, 4, 14, 14, 30, tzinfo=UTC)) == "2018-04-14 14:30"
    assert long_date(date(2018, 6, 30)) == "30 June 2018"
