"""A sweep's shares as a bar chart (PNG or SVG): one bar per finding, split by status in the timelines' colours.

Each finding is a horizontal bar as long as the share of samples in which it arises, divided into its statuses
(coloured as in ``obligations run --plot``: the palette of :mod:`engine.outputs.plot`), with the 95% interval
of the share as a whisker. Findings are in id order, top to bottom. Like the timeline, the picture is
byte-identical for identical results and written whole (a temporary file, then renamed).
"""

from __future__ import annotations

import io
import textwrap
from pathlib import Path
from typing import Any

from ..outputs.files import write_whole
from ..outputs.plot import HASHSALT, STATUS_COLOURS, colour_of, plot_format
from .aggregate import SweepResult, wilson


def figure(result: SweepResult) -> Any:
    """The chart as a matplotlib :class:`~matplotlib.figure.Figure` (not attached to any display)."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    findings = result.findings
    n = max(result.samples, 1)
    rows = max(len(findings), 1)
    fig = Figure(figsize=(11, 1.6 + 0.26 * rows), dpi=110, layout="constrained")
    ax = fig.add_subplot()
    used: list[str] = []
    for row, f in enumerate(findings):
        left = 0.0
        for status, count in sorted(f.statuses, key=lambda sc: (-sc[1], sc[0])):
            width = count / n
            ax.barh(row, width, left=left, height=0.62, color=colour_of(status), edgecolor="white", linewidth=0.4)
            left += width
            if status not in used:
                used.append(status)
        low, high = wilson(f.count, n)
        ax.errorbar([f.count / n], [row], xerr=[[f.count / n - low], [high - f.count / n]], fmt="none",
                    ecolor="#263238", elinewidth=0.9, capsize=2.5)
    if not findings:
        ax.text(0.5, 0.5, "No provision was engaged in any sample.", transform=ax.transAxes, ha="center",
                va="center")
    ax.set_yticks(range(len(findings)), labels=[f"¶{f.paragraph}  {f.id}" for f in findings], fontsize=7)
    ax.set_ylim(rows - 0.5, -0.5)
    ax.set_xlim(0, 1)
    ax.set_xlabel(f"share of {result.samples:,} samples (whiskers: 95% interval)", fontsize=8)
    ax.grid(axis="x", color="#eceff1", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.tick_params(axis="x", labelsize=7)
    ordered = [s for s in STATUS_COLOURS if s in used] + sorted(s for s in used if s not in STATUS_COLOURS)
    handles = [Patch(facecolor=colour_of(s), label=s.replace("_", " ")) for s in ordered]
    if handles:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.005, 1.0), fontsize=7, frameon=False)
    fig.suptitle("\n".join(textwrap.wrap(result.sweep.name, 130)), fontsize=9, x=0.01, ha="left")
    ax.set_title(f"{result.sweep.base_path}, seed {result.sweep.seed}", fontsize=8, loc="left")
    return fig


def render(result: SweepResult, fmt: str) -> bytes:
    """The chart's bytes in ``fmt`` ('png' or 'svg'), identical for identical results."""
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    with rc_context({"svg.hashsalt": HASHSALT, "svg.fonttype": "path", "path.simplify": True}):
        fig = figure(result)
        FigureCanvasAgg(fig)
        buffer = io.BytesIO()
        metadata: dict[str, Any] = ({"Date": None, "Creator": "unsc-obligations"} if fmt == "svg"
                                    else {"Software": None})
        fig.savefig(buffer, format=fmt, metadata=metadata)
    return buffer.getvalue()


def write_plot(result: SweepResult, target: str | Path) -> Path:
    """Write the chart to ``target`` (format by suffix): to a temporary file first, then renamed."""
    fmt = plot_format(target)
    return write_whole(target, render(result, fmt), "--plot")
