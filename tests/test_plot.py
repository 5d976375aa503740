"""`obligations run SCENARIO --plot FILE` and `diff --plot` (engine.outputs.plot, engine.outputs.plotdiff,
engine.outputs.timeline): pictures, PNG or SVG, byte-identical across runs; their layout: labels that do not overlap,
one fixed colour per status, rows in a fixed order, aggregated and capped in height."""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine import Engine, Report
from engine.inputs.vocabulary import EVENT_TYPES
from engine.outputs.plot import LANE_IN, ROW_IN, figure, render
from engine.outputs.plotdiff import diff_figure, render_diff_plot
from engine.outputs.timeline import MAX_ROWS, STATUS_COLOURS, colour_of, paragraph_key, place_labels, rows_for

ROOT = Path(__file__).resolve().parent.parent
HEADLINE = str(ROOT / "scenarios" / "timbuktu-2018.yaml")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_plot_writes_a_valid_png_and_still_prints_the_table(cli: Callable[..., object], tmp_path: Path) -> None:
    target = tmp_path / "timeline.png"
    result = cli("run", HEADLINE, "--plot", str(target))
    assert result.code == 0, result.err
    assert "37:french-forces:tbk-2018-04-14" in result.out
    data = target.read_bytes()
    assert data.startswith(PNG_SIGNATURE) and len(data) > 10_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["timeline.png"], "no temporary file is left behind"


def test_plot_writes_a_valid_svg_with_a_row_per_finding(cli: Callable[..., object], tmp_path: Path) -> None:
    target = tmp_path / "timeline.svg"
    result = cli("run", HEADLINE, "--json", "--plot", str(target))
    assert result.code == 0 and result.out.startswith("{")
    root = ET.fromstring(target.read_bytes())
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    text = target.read_text(encoding="utf-8")
    for label in ("¶37  37:french-forces:tbk-2018-04-14", "¶47  47:2017-12-29", "tbk-request", "Jan"):
        assert f"<!-- {label} -->" in text


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_the_same_replay_gives_a_byte_identical_picture(suffix: str, cli: Callable[..., object],
                                                        tmp_path: Path) -> None:
    first, second = tmp_path / f"a{suffix}", tmp_path / f"b{suffix}"
    assert cli("run", HEADLINE, "--plot", str(first)).code == 0
    assert cli("run", HEADLINE, "--plot", str(second)).code == 0
    assert first.read_bytes() == second.read_bytes()


def test_svg_output_is_byte_identical_across_processes(tmp_path: Path) -> None:
    outputs = []
    for name in ("one.svg", "two.svg"):
        subprocess.run([sys.executable, "-m", "engine.cli", "run", HEADLINE, "--plot", str(tmp_path / name)],
                       check=True, capture_output=True)
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1]
    assert b"<dc:date>" not in outputs[0]


def test_the_picture_has_one_labelled_row_per_finding_and_an_event_lane(engine: Engine) -> None:
    scenario = engine.load(HEADLINE)
    report = engine.run(scenario)
    fig = figure(report, scenario)
    rows, lane = fig.axes
    labels = [t.get_text() for t in rows.get_yticklabels()]
    assert len(labels) == len(report.findings)
    assert "¶37  37:french-forces:tbk-2018-04-14" in labels
    assert {"threat", "intervention request", "intervention", "report"} <= {t.get_text()
                                                                            for t in lane.get_yticklabels()}
    assert len(render(report, scenario, "png")) > 10_000


@pytest.mark.parametrize("name", ["timeline.pdf", "timeline"])
def test_a_plot_file_that_is_not_png_or_svg_gives_exit_2_before_replaying(name: str, cli: Callable[..., object],
                                                                           tmp_path: Path) -> None:
    result = cli("run", HEADLINE, "--plot", str(tmp_path / name))
    assert result.code == 2 and result.out == ""
    assert result.err == f"{tmp_path / name}: --plot: the picture's file name must end in .png or .svg\n"
    assert list(tmp_path.iterdir()) == []


def test_a_plot_into_a_missing_folder_gives_exit_2(cli: Callable[..., object], tmp_path: Path) -> None:
    result = cli("run", HEADLINE, "--plot", str(tmp_path / "no" / "such.png"))
    assert result.code == 2 and "no such folder" in result.err and result.out == ""


# ---- layout ------------------------------------------------------------------------------------------------

VARIANT = str(ROOT / "scenarios" / "timbuktu-2018-every-90-days.yaml")


def _crowded(write: Callable[[str, str], Path], attacks: int) -> Path:
    """Attacks by five groups, a few hours apart, plus reports on one day: many findings and crowded labels."""
    groups = ["GATIA", "Plateforme", "Coordination", "MUJAO", "AQIM"]
    lines = ["name: Crowded", "events:"]
    for i in range(attacks):
        day, hour = 1 + (i // 6) % 27, (i * 4) % 24
        lines.append(f"  - {{id: attack-{i}, at: 2017-{8 + i // 162:02d}-{day:02d}T{hour:02d}:00Z, type: attack, "
                     f"by: {groups[i % 5]}, target: MINUSMA, incident: i{i}}}")
    lines += [f"  - {{id: report-{i}, at: 2017-09-20T{i:02d}:00Z, type: report, by: Secretary-General, "
              "kind: quarterly}" for i in range(12)]
    return write("crowded.yaml", "\n".join(lines) + "\n")


def _boxes(fig: Any) -> list[Any]:
    """The window extents of every visible text on the picture (labels, ticks, titles)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    return [(t.get_text(), t.get_window_extent(renderer)) for t in texts]


def _overlaps(boxes: list[Any]) -> list[tuple[str, str]]:
    out = []
    ordered = sorted(boxes, key=lambda b: b[1].x0)
    for i, (name, box) in enumerate(ordered):
        for other, next_box in ordered[i + 1:]:
            if next_box.x0 >= box.x1 - 0.5:
                break
            if min(box.y1, next_box.y1) - max(box.y0, next_box.y0) > 0.5:
                out.append((name, other))
    return out


def test_no_two_labels_overlap_even_when_events_crowd(engine: Engine, write: Callable[[str, str], Path]) -> None:
    scenario = engine.load(_crowded(write, 120))
    fig = figure(engine.run(scenario), scenario)
    boxes = _boxes(fig)
    assert sum(1 for name, _ in boxes if name.startswith("report-")) >= 3
    assert _overlaps(boxes) == []


def test_the_headline_picture_has_no_overlapping_labels(engine: Engine) -> None:
    scenario = engine.load(HEADLINE)
    assert _overlaps(_boxes(figure(engine.run(scenario), scenario))) == []


def test_every_status_has_its_own_colour_and_bars_use_it(engine: Engine) -> None:
    from matplotlib.collections import PolyCollection
    from matplotlib.colors import to_hex
    from matplotlib.patches import Patch

    assert len(set(STATUS_COLOURS.values())) == len(STATUS_COLOURS)
    for path in (HEADLINE, VARIANT):
        scenario = engine.load(path)
        fig = figure(engine.run(scenario), scenario)
        legend = {t.get_text().replace(" ", "_"): to_hex(h.get_facecolor(), keep_alpha=False)
                  for t, h in zip(fig.axes[0].get_legend().get_texts(), fig.axes[0].get_legend().legend_handles,
                                  strict=True)
                  if t.get_text().replace(" ", "_") in STATUS_COLOURS and isinstance(h, Patch)}
        assert legend and all(colour == STATUS_COLOURS[status].lower() for status, colour in legend.items())
        bars = {to_hex(c.get_facecolor()[0], keep_alpha=False) for c in fig.axes[0].collections
                if isinstance(c, PolyCollection)}
        assert bars <= {c.lower() for c in STATUS_COLOURS.values()}


def test_rows_follow_the_resolution_s_order_whatever_the_order_of_findings(engine: Engine) -> None:
    report = engine.run(HEADLINE)
    forward = rows_for(report.findings)
    backward = rows_for(list(reversed(report.findings)))
    assert [r.label for r in forward] == [r.label for r in backward]
    keys = [paragraph_key(r.paragraph) for r in forward]
    assert keys == sorted(keys)


def _report_of(engine: Engine, write: Callable[[str, str], Path], attacks: int) -> tuple[Report, Any]:
    scenario = engine.load(_crowded(write, attacks))
    return engine.run(scenario), scenario


def test_many_findings_are_aggregated_into_capped_rows_that_hold_each_finding_once(
        engine: Engine, write: Callable[[str, str], Path]) -> None:
    report, scenario = _report_of(engine, write, 300)
    assert len(report.findings) > MAX_ROWS
    rows = rows_for(report.findings)
    assert len(rows) <= MAX_ROWS
    held = [f.id for row in rows for f in row.findings]
    assert sorted(held) == sorted(f.id for f in report.findings)
    fig = figure(report, scenario)
    cap = 1.4 + ROW_IN * MAX_ROWS + LANE_IN * len(EVENT_TYPES) + 0.9
    assert fig.get_figheight() <= cap
    assert len(fig.axes[0].get_yticklabels()) == len(rows)


def test_a_capped_row_set_keeps_the_first_paragraphs_and_gathers_the_rest(engine: Engine) -> None:
    report = engine.run(HEADLINE)
    rows = rows_for(report.findings, max_rows=4)
    assert len(rows) == 4
    assert sum(len(r.findings) for r in rows) == len(report.findings)
    assert "every finding" in rows[-1].label


@given(st.lists(st.tuples(st.floats(0, 1_000), st.floats(1, 80)), max_size=60), st.integers(1, 4))
def test_labels_placed_on_one_level_never_overlap(spans: list[tuple[float, float]], levels: int) -> None:
    placed = place_labels(spans, levels)
    for level in range(levels):
        on = sorted(spans[i] for i, lv in enumerate(placed) if lv == level)
        assert all(a[0] + a[1] <= b[0] for a, b in itertools.pairwise(on))
    for i, level in enumerate(placed):  # left out only when every level is taken at that place
        if level is None:
            assert all(any(s[0] <= spans[i][0] < s[0] + s[1] for j, s in enumerate(spans)
                           if placed[j] == lv and j != i) for lv in range(levels))


def test_unknown_statuses_get_a_colour_that_no_known_status_has() -> None:
    assert colour_of("suspended") not in STATUS_COLOURS.values()
    assert colour_of("suspended") == colour_of("suspended")


def test_zoom_shows_only_the_window_and_what_overlaps_it(cli: Callable[..., object], engine: Engine,
                                                         tmp_path: Path) -> None:
    from datetime import date

    from matplotlib.dates import num2date

    scenario = engine.load(HEADLINE)
    fig = figure(engine.run(scenario), scenario, start=date(2018, 4, 1), end=date(2018, 4, 30))
    low, high = fig.axes[0].get_xlim()
    assert num2date(low).date() == date(2018, 4, 1) and num2date(high).date() == date(2018, 5, 1)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert "¶37  37:french-forces:tbk-2018-04-14" in labels and "¶48  48:2017-12-26" not in labels
    target = tmp_path / "april.svg"
    result = cli("run", HEADLINE, "--plot", str(target), "--from", "2018-04-01", "--to", "2018-04-30")
    assert result.code == 0 and target.exists()


@pytest.mark.parametrize(("args", "says"), [
    (("--from", "2018-04-30", "--to", "2018-04-01", "--plot", "{tmp}/x.png"), "--to 2018-04-01 is before --from"),
    (("--from", "2018-04-01"), "--from and --to go with --plot"),
    (("--from", "April", "--plot", "{tmp}/x.png"), "is not a date"),
    (("--plot", "{tmp}/folder.png"), "this is a folder"),
])
def test_bad_zoom_or_target_is_bad_input(cli: Callable[..., object], tmp_path: Path, args: tuple[str, ...],
                                         says: str) -> None:
    (tmp_path / "folder.png").mkdir()
    result = cli("run", HEADLINE, *(a.format(tmp=tmp_path) for a in args))
    assert result.code == 2 and result.out == "" and says in result.err  # type: ignore[attr-defined]
    assert [p.name for p in tmp_path.iterdir()] == ["folder.png"]


def test_diff_draws_both_replays_on_one_axis_with_changes_marked(engine: Engine, cli: Callable[..., object],
                                                                 tmp_path: Path) -> None:
    from engine.explain.diff import diff_reports

    base, variant = engine.load(HEADLINE), engine.load(VARIANT)
    diff = diff_reports(engine.run(base), engine.run(variant))
    fig = diff_figure(diff, base, variant)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    changed = [label for label in labels if label.startswith("~")]
    assert len(changed) == len(diff.of("changed")) > 0
    assert any(label.startswith("  ¶48") for label in labels)  # unchanged: no sign
    assert _overlaps(_boxes(fig)) == []
    target = tmp_path / "diff.png"
    result = cli("diff", HEADLINE, VARIANT, "--plot", str(target))
    assert result.code == 0 and target.read_bytes().startswith(PNG_SIGNATURE)  # type: ignore[attr-defined]


FROM_LOG = str(ROOT / "scenarios" / "timbuktu-2018-events-from-a-log.yaml")  # field events in a JSON Lines log


def _lane_labels(fig: Any) -> set[str]:
    return {t.get_text() for t in fig.axes[1].texts}


def test_the_picture_draws_the_events_of_the_scenario_s_event_log(engine: Engine) -> None:
    from datetime import date

    scenario = engine.load(FROM_LOG)
    assert "tbk-intervention" not in {e.id for e in scenario.events}, "the intervention is the log's"
    fig = figure(engine.run(scenario), scenario, start=date(2018, 4, 14), end=date(2018, 4, 14))
    assert {"tbk-threat", "tbk-attack", "tbk-request", "tbk-intervention"} <= _lane_labels(fig)
    assert {"threat", "intervention"} <= {t.get_text() for t in fig.axes[1].get_yticklabels()}


def test_an_as_of_picture_draws_no_log_event_after_its_instant(cli: Callable[..., Any], tmp_path: Path) -> None:
    target = tmp_path / "as-of.svg"
    result = cli("run", FROM_LOG, "--as-of", "2018-04-14T15:00Z", "--plot", str(target), "--from", "2018-04-14",
                 "--to", "2018-04-14")
    assert result.code == 0, result.err
    drawn = target.read_text(encoding="utf-8")  # matplotlib keeps each text as a comment beside its paths
    assert "<!-- tbk-request -->" in drawn and "<!-- tbk-intervention -->" not in drawn


def test_more_events_in_the_window_than_a_picture_draws_is_bad_input_naming_the_limit(
        cli: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.outputs import plot

    monkeypatch.setattr(plot, "MAX_EVENTS_DRAWN", 10)
    target = tmp_path / "crowded.png"
    result = cli("run", FROM_LOG, "--plot", str(target))
    assert result.code == 2 and result.out == ""
    assert "more than 10 events to draw" in result.err and "MAX_EVENTS_DRAWN" in result.err
    assert not target.exists()
    zoomed = cli("run", FROM_LOG, "--plot", str(target), "--from", "2018-04-14", "--to", "2018-04-14")
    assert zoomed.code == 0 and target.exists()


@pytest.mark.parametrize("option", ["--plot", "--html"])
def test_a_picture_of_more_events_than_it_draws_is_refused_before_the_replay_with_nothing_written(
        cli: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        spy: Callable[[Any, str, int], list[Any]], option: str) -> None:
    from engine.outputs import plot

    monkeypatch.setattr(plot, "MAX_EVENTS_DRAWN", 10)
    replayed = spy(Engine, "run", 1)
    target = tmp_path / ("crowded.png" if option == "--plot" else "crowded.html")
    result = cli("run", FROM_LOG, option, str(target))
    assert (result.code, result.out, replayed) == (2, "", [])
    assert "more than 10 events to draw from 2017-06-29 to 2018-06-30 (MAX_EVENTS_DRAWN)" in result.err
    assert not target.exists() and list(tmp_path.iterdir()) == []


def test_an_as_of_picture_is_checked_before_the_replay_on_the_events_known_by_then(
        cli: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        spy: Callable[[Any, str, int], list[Any]]) -> None:
    from engine.outputs import plot

    replayed = spy(Engine, "run", 1)
    target = tmp_path / "as-of.svg"
    monkeypatch.setattr(plot, "MAX_EVENTS_DRAWN", 5)  # six events, file and log, are known by the end of 2017
    refused = cli("run", FROM_LOG, "--as-of", "2017-12-31", "--plot", str(target))
    assert (refused.code, replayed) == (2, []) and "more than 5 events" in refused.err and not target.exists()
    monkeypatch.setattr(plot, "MAX_EVENTS_DRAWN", 6)
    drawn = cli("run", FROM_LOG, "--as-of", "2017-12-31", "--plot", str(target))
    assert drawn.code == 0 and len(replayed) == 1 and target.exists()


def test_a_diff_picture_of_more_events_than_it_draws_is_refused_before_either_replay(
        cli: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        spy: Callable[[Any, str, int], list[Any]]) -> None:
    from engine.outputs import plot

    monkeypatch.setattr(plot, "MAX_EVENTS_DRAWN", 10)
    replayed = spy(Engine, "run", 1)
    target = tmp_path / "diff.png"
    variant = ROOT / "scenarios" / "timbuktu-2018-from-a-log-without-the-attack-and-the-request-an-hour-late.yaml"
    result = cli("diff", FROM_LOG, str(variant), "--plot", str(target))
    assert (result.code, result.out, replayed) == (2, "", []) and not target.exists()
    assert "more than 10 events to draw" in result.err
    zoomed = cli("diff", FROM_LOG, str(variant), "--plot", str(target), "--from", "2018-04-14", "--to", "2018-04-14")
    assert zoomed.code == 0 and len(replayed) == 2 and target.exists()


def test_the_diff_picture_draws_the_log_events_of_both_sides(engine: Engine, tmp_path: Path) -> None:
    from datetime import date

    from engine.explain.diff import diff_reports

    variant_path = tmp_path / "later-strike.yaml"
    variant_path.write_text(f"name: The French strike a day later.\nextends: {FROM_LOG}\nevents:\n"
                            "  - {id: second-strike, at: 2018-04-15T09:00Z, type: intervention, by: French forces,"
                            " in_support_of: MINUSMA, incident: tbk-2018-04-14}\n", encoding="utf-8")
    base, variant = engine.load(FROM_LOG), engine.load(variant_path)
    fig = diff_figure(diff_reports(engine.run(base), engine.run(variant)), base, variant, start=date(2018, 4, 14),
                      end=date(2018, 4, 15))
    assert {"tbk-intervention", "second-strike"} <= _lane_labels(fig)


LATE_IN_NEW_YORK = str(ROOT / "scenarios" / "p47-a-report-30-days-late-in-new-york-answers-the-missed-period.yaml")


def _bar_ends(fig: Any) -> set[float]:
    """The right edges of the bars drawn on the findings' axes (in the axis's units)."""
    from matplotlib.collections import PolyCollection

    return {round(float(path.vertices[:, 0].max()), 6) for c in fig.axes[0].collections
            if isinstance(c, PolyCollection) for path in c.get_paths()}


def test_a_duty_s_bar_ends_at_the_instant_the_replay_makes_it_late_at_the_end_of_its_due_day_in_new_york(
        engine: Engine) -> None:
    from datetime import datetime

    from engine.outputs.plot import span, window, x_of
    from engine.outputs.timeline import DueLimits

    scenario = engine.load(LATE_IN_NEW_YORK)  # council_time_zone: America/New_York
    report = engine.run(scenario)
    limits, replay_end = DueLimits(engine.pack, report.assumptions), window(report, None, None)[1]
    duties = {f.id: f for f in report.findings if f.kind == "obligation" and f.due}
    violated = [f for f in duties.values() if f.status == "violated"]
    assert violated
    for duty in violated:  # the replay's own limit: where its history turns violated
        turned = next(step["at"] for step in duty.history if step["status"] == "violated")
        assert span(duty, replay_end, limits)[1] == datetime.fromisoformat(turned.replace("Z", ""))
    assert span(duties["47:2017-09-29"], replay_end, limits)[1] == datetime(2017, 9, 30, 4, 0)  # EDT: UTC-4
    assert span(duties["47:2017-12-29"], replay_end, limits)[1] == datetime(2017, 12, 30, 5, 0)  # EST: UTC-5
    drawn = _bar_ends(figure(report, scenario, pack=engine.pack))
    assert {round(x_of(datetime(2017, 9, 30, 4, 0)), 6), round(x_of(datetime(2017, 12, 30, 5, 0)), 6)} <= drawn
    assert round(x_of(datetime(2017, 12, 30)), 6) not in drawn  # not midnight UTC


def test_a_duty_s_bar_follows_the_time_zone_the_replay_was_given_not_the_pack_s_default(engine: Engine) -> None:
    from datetime import datetime

    from engine.outputs.plot import span, window
    from engine.outputs.timeline import DueLimits

    scenario = engine.load(LATE_IN_NEW_YORK)
    report = engine.run(scenario, assume={"council_time_zone": "UTC"})
    duty = next(f for f in report.findings if f.id == "47:2017-12-29")
    limits = DueLimits(engine.pack, report.assumptions)
    assert (limits.zone_of(duty), span(duty, window(report, None, None)[1], limits)[1]) == (
        "UTC", datetime(2017, 12, 30, 0, 0))
    authorization = next(f for f in engine.run(engine.load(HEADLINE)).findings
                         if f.kind == "authorization" and f.due)
    assert limits.zone_of(authorization) == "UTC"  # windows end at midnight UTC, as before


def test_run_plot_html_and_diff_plot_draw_duties_to_their_time_zone_s_limit(
        engine: Engine, cli: Callable[..., Any], tmp_path: Path) -> None:
    from datetime import datetime

    from engine.explain.diff import diff_reports
    from engine.outputs.plot import x_of

    scenario = engine.load(LATE_IN_NEW_YORK)
    report = engine.run(scenario)
    assert cli("run", LATE_IN_NEW_YORK, "--plot", str(tmp_path / "p.svg"), "--html", str(tmp_path / "p.html")).code == 0
    with_zones = render(report, scenario, "svg", pack=engine.pack)
    assert with_zones != render(report, scenario, "svg")  # the bars moved
    assert (tmp_path / "p.svg").read_bytes() == with_zones
    page = (tmp_path / "p.html").read_text(encoding="utf-8")
    svg = with_zones.decode("utf-8")
    assert re.sub(r"<metadata>.*?</metadata>\s*", "", svg[svg.index("<svg"):], flags=re.S) in page
    utc = engine.run(scenario, assume={"council_time_zone": "UTC"})
    fig = diff_figure(diff_reports(utc, report), scenario, scenario, pack=engine.pack)
    drawn = _bar_ends(fig)
    assert {round(x_of(datetime(2017, 12, 30, 5, 0)), 6), round(x_of(datetime(2017, 12, 30)), 6)} <= drawn
    assert cli("diff", LATE_IN_NEW_YORK, LATE_IN_NEW_YORK, "--plot", str(tmp_path / "d.svg")).code == 0
    same = diff_reports(report, report, base_path=LATE_IN_NEW_YORK, variant_path=LATE_IN_NEW_YORK)
    drawn_by_diff = render_diff_plot(same, scenario, scenario, "svg", pack=engine.pack)
    assert (tmp_path / "d.svg").read_bytes() == drawn_by_diff != render_diff_plot(same, scenario, scenario, "svg")
