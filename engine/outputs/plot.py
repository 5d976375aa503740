"""A replay's findings on a time axis, as a PNG or SVG picture (matplotlib, no display needed).

``obligations run SCENARIO --plot FILE [--from DATE] [--to DATE]`` draws the findings in rows laid out by
:mod:`engine.outputs.timeline` (a fixed order by paragraph, at most ``MAX_ROWS`` rows, aggregated when there are more
findings): obligations as bars from their opening to their due date (to the instant the replay makes them late: the
end of the due day in the duty's time zone, :class:`~engine.outputs.timeline.DueLimits`), authorizations as hatched
windows to the end of their window, both coloured by status, with a mark where they closed (fulfilled ``o``, violated
or expired ``x``, exercised ``*``) and ``v`` where a late act came; eligibilities, breaches, acts not covered and
engagements as marks at the instant they arose. The scenario's events run below, one lane per event type, labelled
with their ids where the labels fit (the others are counted): the events of the scenario file and of its event log
(``events_from``, read as a stream), at most :data:`MAX_EVENTS_DRAWN` in the window shown (more is bad input: zoom in;
:func:`check_drawable` says so before the replay). ``--from``/``--to`` zoom on a window: only what overlaps it is
drawn. A legend gives every colour and mark.
The same statuses have the same colours in every picture.

Every batch of marks or bars of one colour is one artist, so drawing costs time linear in the findings and events;
the height is capped. Output is deterministic: the same replay gives a byte-identical file (SVG ids are salted with
a constant, metadata dates and software versions are left out), written whole (:mod:`engine.outputs.files`).
"""

from __future__ import annotations

import io
import itertools
import textwrap
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..inputs.scenario import Scenario
from ..inputs.vocabulary import Event
from .files import check_target, write_whole
from .report import FindingView, Report
from .timeline import (
    KIND_MARKERS,
    LABEL_LEVELS,
    MAX_ROWS,
    STATUS_COLOURS,
    STATUS_ORDER,
    DueLimits,
    Row,
    colour_of,
    label_width,
    place_labels,
    rows_for,
)

if TYPE_CHECKING:
    from ..rulepack.pack import RulePack

FORMATS = {".png": "png", ".svg": "svg"}
HASHSALT = "unsc-obligations"
WIDTH_IN = 14.0  # the picture's width, inches
DPI = 110
ROW_IN = 0.24  # height of one finding row, inches
LANE_IN = 0.42  # height of one event lane (room for LABEL_LEVELS levels of labels), inches
PLOT_AREA_IN = 9.6  # the time axis's width, inches (the rest: row labels and legend)
LABEL_FONT = 6.5  # event labels, points
CLOSED_MARKS = {"fulfilled": "o", "exercised": "*", "violated": "x", "expired": "x", "lapsed": "|",
                "discharged": "|"}
MAX_EVENTS_DRAWN = 100_000  # events one picture draws in its window (file and event log); more: exit 2, zoom
EVENT_COLOUR = "#37474f"
MARK_COLOUR = "#6a1b9a"
MARK_FONT = 7.0  # labels of marks, points
MARK_STEP = 10.0  # height of one level of mark labels, points
MARK_LEVELS = 4  # levels of mark labels at the foot of the findings' axes (its least height: 69 points)

__all__ = ["FORMATS", "HASHSALT", "MAX_EVENTS_DRAWN", "MAX_ROWS", "STATUS_COLOURS", "check_drawable", "colour_of",
           "figure", "plot_format", "render", "write_plot"]


def plot_format(target: str | Path) -> str:
    """'png' or 'svg' from the file's suffix; an :class:`InputError` otherwise or if it cannot be written there."""
    path = Path(target)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError("--plot: the picture's file name must end in .png or .svg", path=str(path))
    check_target(path, "--plot")
    return fmt


def naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def instant(iso: str) -> datetime:
    return naive(datetime.fromisoformat(iso.replace("Z", "+00:00")))


def x_of(moment: datetime) -> float:
    from matplotlib import dates

    return float(dates.date2num(moment))  # type: ignore[no-untyped-call,unused-ignore]


def xs_of(moments: Sequence[datetime]) -> list[float]:
    """:func:`x_of` of many instants at once (one conversion, not one per instant: events may be many)."""
    from matplotlib import dates

    if not moments:
        return []
    return [float(x) for x in dates.date2num(list(moments))]  # type: ignore[no-untyped-call,unused-ignore]


def window(report: Report, start: date | None, end: date | None) -> tuple[datetime, datetime]:
    """The instants the picture spans: the replay's window, or the zoom ``start`` to ``end`` (whole days)."""
    return window_of(start or date.fromisoformat(report.start), end or date.fromisoformat(report.until))


def window_of(first: date, last: date) -> tuple[datetime, datetime]:
    """The instants from the start of day ``first`` to the end of day ``last`` (naive, as on the axis)."""
    if last < first:
        raise InputError(f"--to {last} is before --from {first}", path="--to")
    return datetime.combine(first, datetime.min.time()), datetime.combine(last + timedelta(days=1),
                                                                          datetime.min.time())


UTC_DAYS = DueLimits()  # due days ending at 00:00 UTC (a picture drawn without the pack)


def span(finding: FindingView, replay_end: datetime, limits: Callable[[FindingView], datetime] = UTC_DAYS,
         ) -> tuple[datetime, datetime]:
    """Where a finding lies on the axis: a bar from opening to its due date's limit (``limits``: for a duty, the
    end of its due day where its time zone says) or close, or an instant."""
    opened = instant(finding.opened)
    if finding.kind not in ("obligation", "authorization"):
        return opened, opened
    until = limits(finding) if finding.due else (instant(finding.closed) if finding.closed else replay_end)
    return opened, max(until, opened + timedelta(hours=12))


class Batches:
    """Bars and marks collected by colour and shape, then drawn as one artist each (linear cost)."""

    def __init__(self) -> None:
        self.bars: dict[tuple[str, str], list[tuple[float, float, float]]] = defaultdict(list)
        self.marks: dict[tuple[str, str, str], list[tuple[float, float]]] = defaultdict(list)

    def finding(self, f: FindingView, y: float, height: float, replay_end: datetime,
                limits: Callable[[FindingView], datetime] = UTC_DAYS) -> None:
        colour = colour_of(f.status)
        first, last = span(f, replay_end, limits)
        if f.kind in ("obligation", "authorization"):
            self.bars[(f.status, f.kind)].append((x_of(first), x_of(last), y))
            if f.closed:
                self.marks[(colour, CLOSED_MARKS.get(f.status, "|"), "")].append((x_of(instant(f.closed)), y))
            for step in f.history[1:]:
                if str(step.get("note", "")).startswith("late"):
                    self.marks[(STATUS_COLOURS["violated"], "v", "")].append((x_of(instant(step["at"])), y))
        else:
            self.marks[(colour, KIND_MARKERS.get(f.kind, "o"), "")].append((x_of(first), y))

    def draw(self, ax: Any, *, height: float, alpha: float = 1.0) -> None:
        from matplotlib.collections import PolyCollection

        half = height / 2
        for (status, kind), items in sorted(self.bars.items()):
            colour = colour_of(status)
            verts = [[(a, y - half), (b, y - half), (b, y + half), (a, y + half)] for a, b, y in items]
            authorization = kind == "authorization"
            ax.add_collection(PolyCollection(
                verts, facecolors=colour, edgecolors=colour, linewidths=0.8, zorder=2,
                alpha=(0.35 if authorization else 0.6) * alpha, hatch="////" if authorization else None))
        for (colour, marker, _), points in sorted(self.marks.items()):
            xs, ys = zip(*points, strict=True)
            ax.plot(xs, ys, marker=marker, color=colour, markersize=8 if marker == "*" else 6, alpha=alpha,
                    markeredgewidth=1.4, linestyle="none", zorder=4)


def draw_rows(ax: Any, rows: Sequence[Row], replay_end: datetime, *, offset: float = 0.0, height: float = 0.56,
              alpha: float = 1.0, pick: Callable[[Row], Sequence[FindingView]] | None = None,
              limits: Callable[[FindingView], datetime] = UTC_DAYS) -> None:
    """Draw each row's findings at its index (plus ``offset``), ``height`` tall; duties' bars to ``limits``."""
    batches = Batches()
    for y, row in enumerate(rows):
        for finding in (pick(row) if pick is not None else row.findings):
            batches.finding(finding, y + offset, height, replay_end, limits)
    batches.draw(ax, height=height, alpha=alpha)


def style_rows(ax: Any, rows: Sequence[Row], labels: Sequence[str] | None = None) -> None:
    """Row labels, paragraph separators and limits of the findings' axes."""
    previous = None
    for y, row in enumerate(rows):
        if previous is not None and previous != row.paragraph:
            ax.axhline(y - 0.5, color="#cfd8dc", linewidth=0.6, zorder=0)
        previous = row.paragraph
    ax.set_yticks(range(len(rows)), labels=list(labels if labels is not None else (r.label for r in rows)),
                  fontsize=7)
    ax.set_ylim(max(len(rows), 1) - 0.5, -0.5)
    ax.grid(axis="x", color="#eceff1", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.tick_params(axis="x", labelbottom=False)
    if not rows:
        ax.text(0.5, 0.5, "No finding in this window.", transform=ax.transAxes, ha="center", va="center")


def event_lanes(lane: Any, events: Sequence[tuple[str, datetime, str]], first: datetime, last: datetime, *,
                hollow: Sequence[tuple[str, datetime, str]] = ()) -> list[str]:
    """Event lanes, one per type in order of first appearance: a mark per event (``hollow``: base events drawn
    open), and the ids of as many as fit without overlapping. Returns the lanes' types."""
    types = list(dict.fromkeys(t for t, _, _ in [*events, *hollow]))
    level_of = {t: i for i, t in enumerate(types)}
    per_lane: dict[str, list[tuple[datetime, str]]] = defaultdict(list)
    for kind, at, ident in events:
        per_lane[kind].append((at, ident))
    width_pt = PLOT_AREA_IN * 72
    scale = width_pt / max(x_of(last) - x_of(first), 1e-9)
    x_first = x_of(first)
    for kind, items in per_lane.items():
        y = level_of[kind]
        xs = xs_of([a for a, _ in items])
        lane.plot(xs, [y] * len(items), marker="o", color=EVENT_COLOUR, markersize=4, linestyle="none", zorder=3)
        spans = [((x - x_first) * scale, label_width(i, LABEL_FONT) + 4) for x, (_, i) in zip(xs, items, strict=True)]
        levels = place_labels(spans, LABEL_LEVELS)
        for x, (_, ident), level in zip(xs, items, levels, strict=True):
            if level is not None and ident:
                label = lane.annotate(ident, (x, y), xytext=(2, 3 + 7 * level), textcoords="offset points",
                                      fontsize=LABEL_FONT, color=EVENT_COLOUR, ha="left", va="bottom",
                                      annotation_clip=True)
                label.set_in_layout(False)  # within the lane: the layout need not measure each of thousands
        left_out = sum(1 for level in levels if level is None)
        if left_out:
            lane.annotate(f"+{left_out} unlabelled", (1.0, y), xycoords=("axes fraction", "data"),
                          xytext=(3, -2), textcoords="offset points", fontsize=6, color="#78909c", ha="left",
                          va="center")
    for kind, at, _ in hollow:
        lane.plot([x_of(at)], [level_of[kind]], marker="o", markerfacecolor="white", markeredgecolor="#90a4ae",
                  markersize=5, linestyle="none", zorder=2)
    lane.set_yticks(range(len(types)), labels=[t.replace("_", " ") for t in types], fontsize=7)
    lane.set_ylim(max(len(types), 1) - 0.4, -0.9)
    lane.grid(axis="x", color="#eceff1", linewidth=0.8)
    lane.set_axisbelow(True)
    lane.set_xlabel("UTC", fontsize=7)
    lane.set_title("Events", fontsize=8, loc="left")
    return types


def time_axis(lane: Any, first: datetime, last: datetime) -> None:
    """Month ticks on a long window, day ticks on a short one."""
    from matplotlib import dates

    mdates: Any = dates
    if (last - first).days > 62:
        lane.xaxis.set_major_locator(mdates.MonthLocator())
        lane.xaxis.set_major_formatter(mdates.DateFormatter("%b\n%Y"))
    else:
        lane.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=4, maxticks=12))
        lane.xaxis.set_major_formatter(mdates.DateFormatter("%d %b\n%Y"))
    lane.tick_params(axis="x", labelsize=7)


def legend(ax: Any, statuses: Sequence[str], kinds: Sequence[str], extra: Sequence[Any] = ()) -> None:
    """Every colour (statuses in their fixed order) and mark used."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    used = [s for s in STATUS_ORDER if s in statuses] + sorted(set(statuses) - set(STATUS_ORDER))
    handles: list[Any] = [Patch(facecolor=colour_of(s), edgecolor=colour_of(s), alpha=0.7,
                                label=s.replace("_", " ")) for s in used]
    handles += [Line2D([], [], marker=KIND_MARKERS[k], color="#455a64", linestyle="none", label=k.replace("_", " "))
                for k in KIND_MARKERS if k in kinds]
    handles += [
        Line2D([], [], marker="o", color="#455a64", linestyle="none", label="fulfilled (when)"),
        Line2D([], [], marker="x", color="#455a64", linestyle="none", label="violated / expired (when)"),
        Line2D([], [], marker="v", color=STATUS_COLOURS["violated"], linestyle="none", label="late act"),
        Line2D([], [], marker="*", color="#455a64", linestyle="none", label="exercised"),
        Patch(facecolor="white", edgecolor="#455a64", hatch="////", label="authorization window"),
        *extra,
    ]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.005, 1.0), fontsize=7, frameon=False)


def frame(rows: int, lanes: int) -> tuple[Any, Any, Any]:
    """A figure with the findings' axes above the events' lanes, sized for ``rows`` and ``lanes`` (capped)."""
    from matplotlib.figure import Figure

    rows_in = ROW_IN * max(min(rows, MAX_ROWS), 4)
    lanes_in = LANE_IN * max(lanes, 1) + 0.9
    fig = Figure(figsize=(WIDTH_IN, 1.4 + rows_in + lanes_in), dpi=DPI, layout="constrained")
    grid = fig.add_gridspec(2, 1, height_ratios=[rows_in, lanes_in])
    ax = fig.add_subplot(grid[0])
    lane = fig.add_subplot(grid[1], sharex=ax)
    return fig, ax, lane


def draw_marks(axes: Sequence[Any], marks: Sequence[tuple[datetime, str]], first: datetime, last: datetime) -> None:
    """Labelled vertical lines (e.g. the end of an exercise's move) across every axis, from ``first`` to ``last``.
    The labels lie flat along the foot of the first axes, right of their line (left of it near the axis's end),
    placed as the event labels are (:func:`place_labels`): each on the lowest of :data:`MARK_LEVELS` levels where
    it clears those already placed; those that fit nowhere are left out and counted, so that none overlap."""
    shown = [(x_of(naive(moment)), label) for moment, label in marks if first <= naive(moment) <= last]
    for x, _ in shown:
        for axis in axes:
            axis.axvline(x, color=MARK_COLOUR, linewidth=1.0, linestyle=":", zorder=5)
    x_first, area = x_of(first), PLOT_AREA_IN * 72
    scale = area / max(x_of(last) - x_first, 1e-9)
    spans = []  # (start, width) in points; a label that would run past the axis's end goes left of its line
    for x, label in shown:
        at, width = (x - x_first) * scale, label_width(label, MARK_FONT) + 4
        spans.append((at if at + width <= area else at - width, width))
    levels = place_labels(spans, MARK_LEVELS)
    for (x, label), (start, _), level in zip(shown, spans, levels, strict=True):
        if level is None:
            continue
        left = start < (x - x_first) * scale
        axes[0].annotate(label, (x, 0), xycoords=("data", "axes fraction"),
                         xytext=(-2 if left else 2, 2 + MARK_STEP * level), textcoords="offset points",
                         fontsize=MARK_FONT, color=MARK_COLOUR, ha="right" if left else "left", va="bottom",
                         bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.8})
    left_out = sum(1 for level in levels if level is None)
    if left_out:
        axes[0].annotate(f"+{left_out} marks unlabelled", (1.0, 0), xycoords="axes fraction", xytext=(3, 2),
                         textcoords="offset points", fontsize=6, color=MARK_COLOUR, ha="left", va="bottom")


def _in_window(scenario: Scenario, first: datetime, last: datetime) -> Iterator[Event]:
    """The scenario's events (its file's and its event log's, streamed) from ``first`` to before ``last``."""
    for event in scenario.all_events():
        at = naive(event.at)
        if at >= last and scenario.log is not None:
            break  # a log is merged in processing order: nothing later is in the window; stop reading it
        if first <= at < last:
            yield event


_ZOOM = "show fewer days with --from and --to"


def _too_many(scenario: Scenario, first: datetime, last: datetime, picture: str = "--plot",
              remedy: str = _ZOOM) -> InputError:
    return InputError(f"{picture}: more than {MAX_EVENTS_DRAWN:,} events to draw from {first.date()} to "
                      f"{(last - timedelta(days=1)).date()} (MAX_EVENTS_DRAWN); {remedy}", path=scenario.path)


def events_in(scenario: Scenario, first: datetime, last: datetime) -> list[tuple[str, datetime, str]]:
    """The scenario's events (its file's and its event log's, streamed) from ``first`` to before ``last``, as
    (type, naive instant, id); at most :data:`MAX_EVENTS_DRAWN`, else an :class:`InputError` saying to zoom."""
    out: list[tuple[str, datetime, str]] = []
    for event in _in_window(scenario, first, last):
        if len(out) == MAX_EVENTS_DRAWN:
            raise _too_many(scenario, first, last)
        out.append((event.type, naive(event.at), event.id or ""))
    return out


def check_drawable(scenario: Scenario, start: date, end: date, *, picture: str = "--plot",
                   remedy: str = _ZOOM) -> None:
    """Before the replay: refuse (an :class:`InputError`, as :func:`events_in` would after it) a picture from
    ``start`` to ``end`` (whole days) with more than :data:`MAX_EVENTS_DRAWN` events. A scenario that holds no
    more events than that in all is not read; else its events are counted as they stream, up to the window's end
    or one past the limit. ``picture`` names the picture in the message, ``remedy`` says what to do."""
    held = len(scenario.events) + (scenario.log.count if scenario.log is not None else 0)
    if held <= MAX_EVENTS_DRAWN:
        return
    first, last = window_of(start, end)
    if sum(1 for _ in itertools.islice(_in_window(scenario, first, last), MAX_EVENTS_DRAWN + 1)) > MAX_EVENTS_DRAWN:
        raise _too_many(scenario, first, last, picture, remedy)


def visible(findings: Sequence[FindingView], first: datetime, last: datetime,
            replay_end: datetime, limits: Callable[[FindingView], datetime] = UTC_DAYS) -> list[FindingView]:
    """The findings whose bar or mark overlaps the window."""
    out = []
    for f in findings:
        a, b = span(f, replay_end, limits)
        if a < last and b >= first:
            out.append(f)
    return out


def figure(report: Report, scenario: Scenario, *, start: date | None = None, end: date | None = None,
           marks: Sequence[tuple[datetime, str]] = (), name_of: Callable[[str], str] = str,
           pack: RulePack | None = None) -> Any:
    """The timeline as a matplotlib :class:`~matplotlib.figure.Figure` (not attached to any display): axes 0 the
    findings, axes 1 the events' lanes. ``start``/``end`` zoom; ``marks`` are labelled vertical lines; ``pack``
    (the rules replayed) says where each duty's due days end (without it: at midnight UTC)."""
    first, last = window(report, start, end)
    replay_end = window(report, None, None)[1]
    limits = DueLimits(pack, report.assumptions)
    findings = visible(report.findings, first, last, replay_end, limits)
    rows = rows_for(findings, name_of=name_of)
    events = events_in(scenario, first, last)
    fig, ax, lane = frame(len(rows), len({t for t, _, _ in events}))
    draw_rows(ax, rows, replay_end, limits=limits)
    style_rows(ax, rows)
    ax.set_xlim(x_of(first), x_of(last))
    event_lanes(lane, events, first, last)
    time_axis(lane, first, last)
    if first < replay_end <= last:
        for axis in (ax, lane):
            axis.axvline(x_of(replay_end), color="#455a64", linestyle="--", linewidth=0.8)
    draw_marks((ax, lane), marks, first, last)
    zoom = f", shown {first.date()} to {(last - timedelta(days=1)).date()}" if start or end else ""
    aggregated = f"; {len(findings)} findings in {len(rows)} rows" if len(rows) < len(findings) else ""
    ax.set_title(f"Resolution {report.resolution}, {report.start} to {report.until}: {len(report.findings)} "
                 f"findings, {report.events} events{zoom}{aggregated}", fontsize=8, loc="left")
    fig.suptitle("\n".join(textwrap.wrap(report.scenario, 150)), fontsize=9, x=0.01, ha="left")
    legend(ax, sorted({f.status for f in findings}), sorted({f.kind for f in findings}))
    return fig


def save(fig: Any, fmt: str) -> bytes:
    """A figure's bytes in ``fmt``, deterministic."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    metadata: dict[str, Any] = {"Date": None, "Creator": "unsc-obligations"} if fmt == "svg" else {"Software": None}
    fig.savefig(buffer, format=fmt, metadata=metadata)
    return buffer.getvalue()


def rc() -> Any:
    """The settings that make SVG output deterministic."""
    return {"svg.hashsalt": HASHSALT, "svg.fonttype": "path", "path.simplify": True}


def render(report: Report, scenario: Scenario, fmt: str, *, start: date | None = None, end: date | None = None,
           marks: Sequence[tuple[datetime, str]] = (), pack: RulePack | None = None) -> bytes:
    """The picture's bytes in ``fmt`` ('png' or 'svg'), identical for identical input."""
    from matplotlib import rc_context

    with rc_context(rc()):
        return save(figure(report, scenario, start=start, end=end, marks=marks, pack=pack), fmt)


def write_plot(report: Report, scenario: Scenario, target: str | Path, *, start: date | None = None,
               end: date | None = None, pack: RulePack | None = None) -> Path:
    """Write the picture to ``target`` (format by suffix), whole; ``pack``: the rules replayed (see :func:`figure`)."""
    fmt = plot_format(target)
    return write_whole(target, render(report, scenario, fmt, start=start, end=end, pack=pack), "--plot")
