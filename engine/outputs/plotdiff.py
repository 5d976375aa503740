"""Two replays on one time axis: ``obligations diff BASE VARIANT --plot FILE``.

Rows are laid out as for one replay (:mod:`engine.outputs.timeline`: fixed order by paragraph, aggregated beyond
``MAX_ROWS``), one per finding of either side, a finding and its counterpart (a duty whose due date moved) sharing
a row. In each row the base is drawn in the upper half, faint, and the variant in the lower half; a row that
differs is shaded and its label starts with ``+`` (appeared), ``−`` (disappeared) or ``~`` (changed). In the
events' lanes, the variant's events are filled marks and the base's events the variant removed or moved are open
marks, a moved event joined to its new place by a line.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..explain.diff import ReportDiff
from ..inputs.scenario import Scenario
from .files import write_whole
from .plot import (
    draw_rows,
    event_lanes,
    events_in,
    frame,
    legend,
    naive,
    plot_format,
    rc,
    save,
    style_rows,
    time_axis,
    visible,
    window,
    x_of,
)
from .report import FindingView
from .timeline import DueLimits, Row, rows_for

if TYPE_CHECKING:
    from ..rulepack.pack import RulePack

SIGNS = {"appeared": "+", "disappeared": "−", "changed": "~"}
CHANGED_SHADE = "#fff3c4"


def _pairs(diff: ReportDiff) -> dict[str, tuple[FindingView | None, FindingView | None, str]]:
    """Each finding of either side, keyed by the id of the finding that represents its row."""
    out: dict[str, tuple[FindingView | None, FindingView | None, str]] = {}
    for d in diff.findings:
        out[d.finding.id] = (d.base, d.variant, d.change)
    base = {f.id: f for f in diff.base.findings}
    for f in diff.variant.findings:
        if f.id not in out and f.id in base:
            out[f.id] = (base[f.id], f, "unchanged")
    return out


def diff_figure(diff: ReportDiff, base: Scenario, variant: Scenario, *, start: date | None = None,
                end: date | None = None, pack: RulePack | None = None) -> Any:
    """The two replays as one matplotlib figure (axes 0 the findings, axes 1 the events); ``pack`` (the rules
    replayed) says where duties' due days end, on each side with the assumptions that side was replayed with."""
    pairs = _pairs(diff)
    limits = (DueLimits(pack, diff.base.assumptions), DueLimits(pack, diff.variant.assumptions))
    first, last = window(diff.variant, start or min(base.start, variant.start), end or max(base.until, variant.until))
    replay_end = datetime.combine(max(base.until, variant.until) + timedelta(days=1), datetime.min.time())
    shown = [f for f in (p[1] or p[0] for p in pairs.values()) if f is not None]
    both = {i: p for i, p in pairs.items()
            if any(f is not None and visible([f], first, last, replay_end, limits[i]) for i, f in enumerate(p[:2]))}
    rows = rows_for([f for f in shown if f.id in both])

    def side(index: int) -> Any:
        def pick(row: Row) -> Sequence[FindingView]:
            sides = [both[r.id][1] if index else both[r.id][0] for r in row.findings]
            return [f for f in sides if f is not None]
        return pick

    labels, changed_rows = [], []
    for y, row in enumerate(rows):
        changes = [both[f.id][2] for f in row.findings if both[f.id][2] != "unchanged"]
        if changes:
            changed_rows.append(y)
        sign = SIGNS[changes[0]] if len(row.findings) == 1 and changes else ("~" if changes else " ")
        labels.append(f"{sign} {row.label}" + (f" [{len(changes)} differ]" if len(row.findings) > 1 and changes
                                                 else ""))
    events = events_in(variant, first, last)  # the file's and the event log's, streamed, at most MAX_EVENTS_DRAWN
    shown_base = events_in(base, first, last)
    wanted = {ident for _, _, ident in shown_base}
    where = {e.id: naive(e.at) for e in variant.all_events() if e.id in wanted}
    moved_or_gone = [(kind, at, ident) for kind, at, ident in shown_base if ident not in where or where[ident] != at]
    fig, ax, lane = frame(len(rows), len({t for t, _, _ in [*events, *moved_or_gone]}))
    for y in changed_rows:
        ax.axhspan(y - 0.5, y + 0.5, color=CHANGED_SHADE, zorder=0, linewidth=0)
    draw_rows(ax, rows, replay_end, offset=-0.2, height=0.34, alpha=0.45, pick=side(0), limits=limits[0])
    draw_rows(ax, rows, replay_end, offset=0.2, height=0.34, pick=side(1), limits=limits[1])
    style_rows(ax, rows, labels)
    ax.set_xlim(x_of(first), x_of(last))
    types = event_lanes(lane, events, first, last, hollow=moved_or_gone)
    for kind, at, ident in moved_or_gone:
        if ident in where and first <= where[ident] < last:
            y = types.index(kind)
            lane.plot([x_of(at), x_of(where[ident])], [y, y], color="#90a4ae", linewidth=0.8, zorder=1)
    time_axis(lane, first, last)
    counts = {c: len(diff.of(c)) for c in SIGNS}
    ax.set_title(f"Base (upper half, faint) and variant (lower half): {counts['appeared']} appeared, "
                 f"{counts['disappeared']} disappeared, {counts['changed']} changed, {len(diff.unchanged)} "
                 "unchanged", fontsize=8, loc="left")
    fig.suptitle("\n".join(textwrap.wrap(f"Base: {diff.base.scenario}", 150)
                           + textwrap.wrap(f"Variant: {diff.variant.scenario}", 150)), fontsize=8, x=0.01,
                 ha="left")
    from matplotlib.patches import Patch

    statuses = sorted({f.status for p in both.values() for f in p[:2] if f is not None})
    kinds = sorted({f.kind for p in both.values() for f in p[:2] if f is not None})
    legend(ax, statuses, kinds, [Patch(facecolor=CHANGED_SHADE, label="differs (+ appeared, − disappeared, "
                                                                        "~ changed)")])
    return fig


def render_diff_plot(diff: ReportDiff, base: Scenario, variant: Scenario, fmt: str, *, start: date | None = None,
                     end: date | None = None, pack: RulePack | None = None) -> bytes:
    from matplotlib import rc_context

    with rc_context(rc()):
        return save(diff_figure(diff, base, variant, start=start, end=end, pack=pack), fmt)


def write_diff_plot(diff: ReportDiff, base: Scenario, variant: Scenario, target: str | Path, *,
                    start: date | None = None, end: date | None = None, pack: RulePack | None = None) -> Path:
    """Write the picture of a diff to ``target`` (PNG or SVG by suffix), whole."""
    fmt = plot_format(target)
    return write_whole(target, render_diff_plot(diff, base, variant, fmt, start=start, end=end, pack=pack), "--plot")
