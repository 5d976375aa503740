"""A replay's findings on a time axis, as a PNG or SVG picture (matplotlib, no display needed).

``obligations run SCENARIO --plot FILE`` draws one row per finding, grouped by paragraph in the resolution's
order and labelled with the finding's id: obligations as bars from their opening to their due date, coloured
by status, with a mark where they were fulfilled or violated and where a late act came; authorizations as
hatched windows from the grant to the end of their window, with a star where they were exercised;
eligibilities, breaches and acts not covered as marks at the instant they arose. The scenario's events run
below on their own lane, one line per event type, each labelled with its id. Ticks fall on the first of each
month.

Output is deterministic: the same replay gives a byte-identical file (SVG ids are salted with a constant,
metadata dates and software versions are left out). The file is written to a temporary file beside the
target and renamed, so a reader never sees half a picture.
"""

from __future__ import annotations

import io
import os
import tempfile
import textwrap
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..inputs.scenario import Scenario
from .report import Report

FORMATS = {".png": "png", ".svg": "svg"}
HASHSALT = "unsc-obligations"

STATUS_COLOURS = {
    "active": "#9e9e9e",
    "fulfilled": "#2e7d32",
    "violated": "#c62828",
    "expired": "#ef6c00",
    "discharged": "#607d8b",
    "granted": "#1565c0",
    "exercised": "#6a1b9a",
    "lapsed": "#90a4ae",
    "eligible": "#283593",
    "breach": "#b71c1c",
    "not_covered": "#e65100",
}
KIND_MARKERS = {"eligibility": "D", "breach": "X", "not_covered": "P"}
EVENT_COLOURS = ["#37474f", "#00838f", "#ad1457", "#558b2f", "#4527a0", "#ef6c00", "#6d4c41", "#1565c0",
                 "#c62828", "#2e7d32"]


FALLBACK_COLOURS = ["#00695c", "#5d4037", "#455a64", "#827717", "#4a148c"]


def colour_of(status: str) -> str:
    """A status's colour; statuses this module does not know get one of a few spare colours, by name."""
    if status in STATUS_COLOURS:
        return STATUS_COLOURS[status]
    return FALLBACK_COLOURS[sum(map(ord, status)) % len(FALLBACK_COLOURS)]


def plot_format(target: str | Path) -> str:
    """'png' or 'svg' from the file's suffix; an :class:`InputError` otherwise or if its folder is missing."""
    path = Path(target)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError("--plot: the picture's file name must end in .png or .svg", path=str(path))
    if not path.parent.is_dir():
        raise InputError("--plot: no such folder to write the picture in", path=str(path))
    return fmt


def _instant(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(UTC).replace(tzinfo=None)


def _day_end(day: str) -> datetime:
    """The limit instant of a day named as a limit (00:00 the next day), naive UTC."""
    return datetime.combine(date.fromisoformat(day) + timedelta(days=1), datetime.min.time())


def _paragraph_key(paragraph: str) -> tuple[int, str]:
    head = paragraph.split("(")[0].split("[")[0]
    return (int(head) if head.isdigit() else 10_000, paragraph)


def figure(report: Report, scenario: Scenario) -> Any:
    """The timeline as a matplotlib :class:`~matplotlib.figure.Figure` (not attached to any display)."""
    from matplotlib import dates
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    mdates: Any = dates  # some of matplotlib.dates is untyped
    findings = sorted(report.findings, key=lambda f: (_paragraph_key(f.paragraph), f.opened, f.id))
    types = sorted({e.type for e in scenario.events}, key=lambda t: [e.type for e in scenario.events].index(t))
    rows = max(len(findings), 1)
    lanes = max(len(types), 1)
    height = 1.9 + 0.24 * rows + 0.26 * lanes + 1.0
    fig = Figure(figsize=(14, height), dpi=110, layout="constrained")
    grid = fig.add_gridspec(2, 1, height_ratios=[max(rows * 0.24, 1.0), lanes * 0.26 + 0.9])
    ax = fig.add_subplot(grid[0])
    lane = fig.add_subplot(grid[1], sharex=ax)

    start = datetime.combine(scenario.start, datetime.min.time())
    end = datetime.combine(scenario.until + timedelta(days=1), datetime.min.time())

    def x(moment: datetime) -> float:
        return float(mdates.date2num(moment))

    labels = []
    previous = None
    for row, f in enumerate(findings):
        y = row
        labels.append(f"¶{f.paragraph}  {f.id}")
        if previous is not None and previous != f.paragraph:
            ax.axhline(y - 0.5, color="#cfd8dc", linewidth=0.6, zorder=0)
        previous = f.paragraph
        colour = colour_of(f.status)
        opened = _instant(f.opened)
        if f.kind in ("obligation", "authorization"):
            until = _day_end(f.due) if f.due else (_instant(f.closed) if f.closed else end)
            until = max(until, opened + timedelta(hours=12))
            hatch = "////" if f.kind == "authorization" else None
            ax.barh(y, x(until) - x(opened), left=x(opened), height=0.56, color=colour,
                    alpha=0.35 if f.kind == "authorization" else 0.55, hatch=hatch, edgecolor=colour,
                    linewidth=0.8, zorder=2)
            if f.closed:
                closed = _instant(f.closed)
                marker = {"fulfilled": "o", "exercised": "*", "violated": "x", "expired": "x",
                          "lapsed": "|"}.get(f.status, "|")
                ax.plot([x(closed)], [y], marker=marker, color=colour, markersize=8 if marker == "*" else 6,
                        markeredgewidth=1.6, zorder=4, linestyle="none")
            for step in f.history[1:]:
                if step.get("note", "").startswith("late"):
                    ax.plot([x(_instant(step["at"]))], [y], marker="v", color="#c62828", markersize=6, zorder=4,
                            linestyle="none")
        else:
            ax.plot([x(opened)], [y], marker=KIND_MARKERS.get(f.kind, "o"), color=colour, markersize=8, zorder=4,
                    linestyle="none")
    if not findings:
        ax.text(0.5, 0.5, "No provision was engaged.", transform=ax.transAxes, ha="center", va="center")
    ax.set_yticks(range(len(labels)), labels=labels, fontsize=7)
    ax.set_ylim(rows - 0.5, -0.5)
    ax.set_xlim(x(start), x(end))
    ax.grid(axis="x", color="#eceff1", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.tick_params(axis="x", labelbottom=False)

    by_type = {t: i for i, t in enumerate(types)}
    placed: dict[str, list[float]] = {}
    for event in scenario.events:
        at = event.at.astimezone(UTC).replace(tzinfo=None)
        level = by_type[event.type]
        colour = EVENT_COLOURS[level % len(EVENT_COLOURS)]
        lane.plot([x(at)], [level], marker="o", color=colour, markersize=4, linestyle="none", zorder=3)
        # stagger labels that would overlap on one lane
        spots = placed.setdefault(event.type, [])
        shift = sum(1 for s in spots if abs(s - x(at)) < 6) % 3
        spots.append(x(at))
        lane.annotate(event.id or "", (x(at), level), xytext=(2, 3 + 6 * shift), textcoords="offset points",
                      fontsize=6.5, color=colour, rotation=30, ha="left", va="bottom")
    lane.set_yticks(range(len(types)), labels=[t.replace("_", " ") for t in types], fontsize=7)
    lane.set_ylim(len(types) - 0.4, -0.8)
    lane.grid(axis="x", color="#eceff1", linewidth=0.8)
    lane.set_axisbelow(True)
    lane.set_xlabel("UTC", fontsize=7)
    lane.set_title("Events", fontsize=8, loc="left")
    lane.xaxis.set_major_locator(mdates.MonthLocator())
    lane.xaxis.set_major_formatter(mdates.DateFormatter("%b\n%Y"))
    lane.tick_params(axis="x", labelsize=7)
    for axis in (ax, lane):
        axis.axvline(x(end), color="#455a64", linestyle="--", linewidth=0.8)

    title = "\n".join(textwrap.wrap(report.scenario, 150))
    ax.set_title(f"Resolution {report.resolution}, {report.start} to {report.until}: {len(report.findings)} "
                 f"findings, {report.events} events", fontsize=8, loc="left")
    fig.suptitle(title, fontsize=9, x=0.01, ha="left")
    used = list(dict.fromkeys([*(s for s in STATUS_COLOURS if any(f.status == s for f in findings)),
                               *sorted(f.status for f in findings)]))
    handles: list[Any] = [Patch(facecolor=colour_of(s), alpha=0.6, label=s.replace("_", " ")) for s in used]
    kinds = [k for k in KIND_MARKERS if any(f.kind == k for f in findings)]
    handles += [Line2D([], [], marker=KIND_MARKERS[k], color="#455a64", linestyle="none",
                       label=k.replace("_", " ")) for k in kinds]
    handles += [
        Line2D([], [], marker="o", color="#455a64", linestyle="none", label="fulfilled (when)"),
        Line2D([], [], marker="x", color="#455a64", linestyle="none", label="violated / expired (when)"),
        Line2D([], [], marker="v", color="#c62828", linestyle="none", label="late act"),
        Line2D([], [], marker="*", color="#455a64", linestyle="none", label="exercised"),
        Patch(facecolor="white", edgecolor="#455a64", hatch="////", label="authorization window"),
    ]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.005, 1.0), fontsize=7, frameon=False)
    return fig


def render(report: Report, scenario: Scenario, fmt: str) -> bytes:
    """The picture's bytes in ``fmt`` ('png' or 'svg'), identical for identical input."""
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    with rc_context({"svg.hashsalt": HASHSALT, "svg.fonttype": "path", "path.simplify": True}):
        fig = figure(report, scenario)
        FigureCanvasAgg(fig)
        buffer = io.BytesIO()
        metadata: dict[str, Any] = ({"Date": None, "Creator": "unsc-obligations"} if fmt == "svg"
                                    else {"Software": None})
        fig.savefig(buffer, format=fmt, metadata=metadata)
    return buffer.getvalue()


def write_plot(report: Report, scenario: Scenario, target: str | Path) -> Path:
    """Write the picture to ``target`` (format by suffix): to a temporary file first, then renamed."""
    fmt = plot_format(target)
    data = render(report, scenario, fmt)
    path = Path(target)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # as an ordinary new file (mkstemp makes it private)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
