"""The layout of a timeline picture, apart from drawing it: rows, their order, colours and where labels go.

* **Rows in a fixed order.** Findings are ordered by paragraph in the resolution's order (``4`` before ``4(a)``
  before ``15`` before ``47(i)``), then kind, subject and opening, whatever the scenario: two pictures (a base and
  its variant) put the same paragraph in the same place.
* **Readable at any size.** At most :data:`MAX_ROWS` rows: one per finding when they fit; otherwise one per
  paragraph, kind and subject; otherwise one per paragraph and kind; otherwise the first rows and one row holding
  the rest. The picture's height is therefore capped, and drawing costs time linear in the findings.
* **One colour per status**, the same in every picture (:data:`STATUS_COLOURS`): the Okabe–Ito palette, safe for
  the common kinds of colour blindness, completed from Paul Tol's; each kind also has its own mark, so colour is
  never the only cue.
* **Duties end where the replay says they are late.** A duty's bar runs to the end of its due day in the duty's
  time zone (:class:`DueLimits`: paragraph 47's reports where the assumption council_time_zone, as replayed,
  says), the instant the replay itself uses as its limit, not to midnight UTC.
* **Labels that do not overlap.** :func:`place_labels` puts each label on the lowest of a few levels where it
  clears the labels already placed, and leaves out (counting them) those that fit nowhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from ..dates import end_in
from .report import FindingView

if TYPE_CHECKING:
    from ..rulepack.pack import RulePack

MAX_ROWS = 48  # finding rows in one picture; beyond it rows are aggregated (height cap: about 17 inches)
LABEL_LEVELS = 3  # levels of event labels per lane
POINTS_PER_CHAR = 0.62  # width of one character per point of font size (a generous bound for the UI font)

STATUS_ORDER = ("active", "fulfilled", "violated", "expired", "discharged", "granted", "exercised", "lapsed",
                "eligible", "breach", "not_covered", "engaged")
STATUS_COLOURS = {
    "active": "#999999",  # grey
    "fulfilled": "#009E73",  # bluish green (Okabe–Ito)
    "violated": "#D55E00",  # vermillion (Okabe–Ito)
    "expired": "#E69F00",  # orange (Okabe–Ito)
    "discharged": "#999933",  # olive (Tol)
    "granted": "#56B4E9",  # sky blue (Okabe–Ito)
    "exercised": "#0072B2",  # blue (Okabe–Ito)
    "lapsed": "#DDCC77",  # sand (Tol)
    "eligible": "#332288",  # indigo (Tol)
    "breach": "#882255",  # wine (Tol)
    "not_covered": "#CC79A7",  # reddish purple (Okabe–Ito)
    "engaged": "#000000",  # black
}
SPARE_COLOURS = ("#44AA99", "#117733", "#AA4499", "#88CCEE")  # statuses of other rule packs, by name
KIND_ORDER = ("obligation", "authorization", "eligibility", "breach", "not_covered", "engagement")
KIND_MARKERS = {"eligibility": "D", "breach": "X", "not_covered": "P", "engagement": "o"}


def colour_of(status: str) -> str:
    """A status's colour: fixed for the statuses of the engine; another pack's get a spare colour by name."""
    if status in STATUS_COLOURS:
        return STATUS_COLOURS[status]
    return SPARE_COLOURS[sum(map(ord, status)) % len(SPARE_COLOURS)]


def paragraph_key(paragraph: str) -> tuple[int, str]:
    """The place of a paragraph or sub-item in the resolution: by number, then by the sub-item's letters."""
    head = re.match(r"\d+", paragraph)
    return (int(head.group()) if head else 10_000, paragraph)


def _kind_key(kind: str) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


def finding_key(finding: FindingView) -> tuple[object, ...]:
    return (paragraph_key(finding.paragraph), _kind_key(finding.kind), finding.subject, finding.opened, finding.id)


@dataclass(frozen=True)
class Row:
    """One row of the picture: a finding, or a group of findings drawn on one line."""

    label: str
    paragraph: str
    findings: tuple[FindingView, ...]


def _finding_row(finding: FindingView) -> Row:
    return Row(f"¶{finding.paragraph}  {finding.id}", finding.paragraph, (finding,))


def _group_rows(findings: Sequence[FindingView], key: Callable[[FindingView], tuple[str, ...]],
                name: Callable[[tuple[str, ...]], str]) -> list[Row]:
    groups: dict[tuple[str, ...], list[FindingView]] = {}
    for finding in findings:
        groups.setdefault(key(finding), []).append(finding)
    return [Row(f"¶{k[0]}  {name(k)} ({len(v)})", k[0], tuple(v)) for k, v in groups.items()]


def rows_for(findings: Sequence[FindingView], *, max_rows: int = MAX_ROWS,
             name_of: Callable[[str], str] = str) -> list[Row]:
    """The rows for ``findings``, in the fixed order, at most ``max_rows`` of them (see the module's notes)."""
    ordered = sorted(findings, key=finding_key)
    if len(ordered) <= max_rows:
        return [_finding_row(f) for f in ordered]
    by_subject = _group_rows(ordered, lambda f: (f.paragraph, f.kind, f.subject),
                             lambda k: f"{k[1].replace('_', ' ')} · {name_of(k[2])}")
    if len(by_subject) <= max_rows:
        return by_subject
    by_kind = _group_rows(ordered, lambda f: (f.paragraph, f.kind), lambda k: k[1].replace("_", " "))
    if len(by_kind) <= max_rows:
        return by_kind
    kept = by_kind[: max_rows - 1]
    rest = tuple(f for row in by_kind[max_rows - 1:] for f in row.findings)
    first = rest[0].paragraph
    return [*kept, Row(f"¶{first} and after  every finding ({len(rest)})", first, rest)]


def label_width(text: str, fontsize: float) -> float:
    """A generous estimate of a label's width, in points."""
    return len(text) * fontsize * POINTS_PER_CHAR


def place_labels(spans: Sequence[tuple[float, float]], levels: int = LABEL_LEVELS) -> list[int | None]:
    """For labels starting at ``x`` with width ``w`` (``spans``, in one unit, in any order): the level each goes
    on (0 the lowest) so that no two on one level overlap, or ``None`` where none is free. Greedy, in order of
    ``x``; linear in the number of labels."""
    ends = [float("-inf")] * levels
    placed: list[int | None] = [None] * len(spans)
    for index in sorted(range(len(spans)), key=lambda i: (spans[i][0], i)):
        x, width = spans[index]
        for level in range(levels):
            if x >= ends[level]:
                placed[index] = level
                ends[level] = x + width
                break
    return placed


def day_end(day: str) -> datetime:
    """The limit instant of a day named as a limit in UTC (00:00 UTC the next day), naive UTC as on the axis."""
    return datetime.combine(date.fromisoformat(day) + timedelta(days=1), datetime.min.time())


class DueLimits:
    """Where a bar with a due date ends on the axis (naive UTC): for a duty, the instant the replay makes it late,
    the end of its due day in the duty's time zone (:meth:`RulePack.time_zone_of` of the pack with the assumptions
    the report was replayed with: ``assumptions`` is the report's, e.g. paragraph 47's council_time_zone); for
    anything else, or without a pack, 00:00 UTC after the due day. Each duty's zone is found once, each (day,
    zone) reckoned once."""

    def __init__(self, pack: RulePack | None = None, assumptions: Mapping[str, Any] | None = None) -> None:
        replayed = {name: used["value"] for name, used in (assumptions or {}).items()
                    if isinstance(used, Mapping) and used.get("overridden")}
        self._pack = pack.with_assumptions(replayed) if pack is not None else None
        self._obligations = self._pack.obligations if self._pack is not None else {}  # (a property: built once)
        self._zones: dict[str, str] = {}
        self._ends: dict[tuple[str, str], datetime] = {}

    def zone_of(self, finding: FindingView) -> str:
        """The time zone where ``finding``'s due days end: its duty's, else UTC."""
        if finding.kind != "obligation" or self._pack is None:
            return "UTC"
        key = finding.id.split(":", 1)[0]
        if key not in self._obligations:
            key = finding.rule
        zone = self._zones.get(key)
        if zone is None:
            found = self._obligations.get(key)
            zone = self._zones[key] = "UTC" if found is None else self._pack.time_zone_of(found[0])
        return zone

    def __call__(self, finding: FindingView) -> datetime:
        """The instant ``finding``'s bar ends at its due date (``finding.due`` must be set)."""
        assert finding.due is not None
        zone = self.zone_of(finding)
        end = self._ends.get((finding.due, zone))
        if end is None:
            end = day_end(finding.due) if zone == "UTC" else \
                end_in(date.fromisoformat(finding.due), zone).replace(tzinfo=None)
            self._ends[(finding.due, zone)] = end
        return end
