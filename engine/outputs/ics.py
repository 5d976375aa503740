"""A replay's duties and authorizations as an iCalendar file (RFC 5545), for calendar programs.

``obligations run SCENARIO --ics FILE.ics`` writes one ``VCALENDAR`` with:

* one ``VTODO`` per obligation: ``DUE`` its due date (all-day, ``VALUE=DATE``), ``DTSTART`` the day it arose,
  ``STATUS`` ``NEEDS-ACTION`` while active, ``COMPLETED`` (with ``COMPLETED:`` the instant and
  ``PERCENT-COMPLETE:100``) when fulfilled, ``CANCELLED`` when discharged or expired; a violated duty stays
  ``NEEDS-ACTION``, its ``SUMMARY`` starts with "Violated" and its description says so (and by how many days a
  late answer came). ``SUMMARY`` names the paragraph, the addressee and what is due; ``DESCRIPTION`` holds the
  explanation and the paragraph's words. A duty still needing action carries a ``VALARM`` (``ACTION:DISPLAY``)
  ``alarm_days`` days before its due date, ``TRIGGER;RELATED=END`` (for a ``VTODO``, ``END`` is the ``DUE``);
* one ``VEVENT`` per authorization spanning its window, all-day, from the day it was granted to the window's last
  day (``DTEND`` is the day after, as RFC 5545 counts all-day ends), ``TRANSP:TRANSPARENT``.

Other findings (eligibility, breaches, engagements, acts not covered) have no date to keep and are left out.

Every entry has a stable ``UID``: the finding's id and the scenario's key (the scenario file's stem, or a hash of
the scenario's name), so importing the file again updates the entries instead of duplicating them. ``DTSTAMP``
and ``LAST-MODIFIED`` are the instant of the finding's last change in the replay, never the wall clock: the same
replay gives a byte-identical file. Lines end in CRLF and are folded at 75 octets, never inside a UTF-8
character; text values are escaped and control characters replaced by spaces.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from .files import check_target, write_whole

if TYPE_CHECKING:  # annotations only: `obligations --help` reads this module's limits without importing these
    from ..rulepack.pack import RulePack
    from .report import FindingView, Report

PRODID = "-//unsc-obligations//obligations engine//EN"
UID_DOMAIN = "unsc-obligations"
DEFAULT_ALARM_DAYS = 7
MAX_ALARM_DAYS = 366  # an alarm more than a year before its due date is a typo
LINE_OCTETS = 75  # RFC 5545 §3.1: lines longer than this are folded
SUFFIXES = (".ics",)

TODO_STATUS = {"active": "NEEDS-ACTION", "violated": "NEEDS-ACTION", "fulfilled": "COMPLETED",
               "discharged": "CANCELLED", "expired": "CANCELLED"}
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f\u0085\u2028\u2029]")


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and newline escaped, other controls spaced."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = value.replace("\r\n", "\n").replace("\n", "\\n")
    return _CONTROL.sub(" ", value)


def fold(line: str) -> bytes:
    """One content line as UTF-8, folded so that no physical line exceeds 75 octets (CRLF not counted)."""
    data = line.encode("utf-8")
    if len(data) <= LINE_OCTETS:
        return data + b"\r\n"
    out = bytearray()
    start, limit = 0, LINE_OCTETS
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # never split a UTF-8 character
            end -= 1
        out += (b" " if start else b"") + data[start:end] + b"\r\n"
        start, limit = end, LINE_OCTETS - 1  # a continuation line starts with one space
    return bytes(out)


def _day(iso_day: str) -> str:
    return iso_day.replace("-", "")


def _utc(iso_instant: str) -> str:
    moment = datetime.fromisoformat(iso_instant.replace("Z", "+00:00"))
    return moment.strftime("%Y%m%dT%H%M%SZ")


def _date_of(iso_instant: str) -> date:
    return datetime.fromisoformat(iso_instant.replace("Z", "+00:00")).date()


def scenario_key(name: str, path: str | Path | None = None) -> str:
    """What makes UIDs unique to a scenario: the file's stem, else a short hash of the scenario's name."""
    if path is not None:
        return quote(Path(path).stem, safe="._-~")
    import hashlib  # here: only a calendar needs it (importing it loads OpenSSL)

    return hashlib.sha256(name.encode("utf-8")).hexdigest()[:16]


def uid(finding_id: str, key: str) -> str:
    """A stable, globally unique id: the finding's id (percent-encoded) and the scenario's key."""
    return f"{quote(finding_id, safe=':()[]/._-~')}.{key}@{UID_DOMAIN}"


def _words(pack: RulePack, finding: FindingView) -> str:
    """What the duty or authorization requires or allows, in the paragraph's words."""
    for table in (pack.obligations, pack.authorizations):
        if finding.rule in table:
            return " ".join(table[finding.rule][0].says.split())
    quoted = re.match(r'Paragraph [^:]+: "([^"]+)"', finding.explanation)
    return quoted.group(1) if quoted else finding.kind


def _addressee(pack: RulePack, subject: str) -> str:
    actor = pack.actors.by_id.get(subject)
    return actor.name if actor is not None else subject


def _paragraph_text(pack: RulePack, paragraph: str) -> str:
    try:
        return " ".join(pack.paragraph(paragraph).text.split())
    except (KeyError, ValueError):
        return ""


def _description(pack: RulePack, finding: FindingView) -> str:
    parts = [finding.explanation]
    if finding.status == "violated":
        late = f" It was answered {finding.days_late} day{'s' if finding.days_late != 1 else ''} late." \
            if finding.days_late is not None else ""
        parts.append(f"Status: violated (due {finding.due}).{late}")
    text = _paragraph_text(pack, finding.paragraph)
    if text:
        parts.append(f"Paragraph {finding.paragraph}: \"{text}\"")
    parts.append(f"Finding {finding.id} ({finding.kind}, {finding.status}).")
    return "\n\n".join(parts)


def _categories(finding: FindingView, resolution: str) -> str:
    values = (f"Resolution {resolution}", f"paragraph {finding.paragraph}", finding.kind, finding.status)
    return "CATEGORIES:" + ",".join(escape_text(v) for v in values)


def _stamp(finding: FindingView) -> str:
    last = finding.history[-1]["at"] if finding.history else finding.opened
    return _utc(str(last))


def _todo(pack: RulePack, finding: FindingView, key: str, alarm_days: int, resolution: str) -> list[str]:
    status = TODO_STATUS.get(finding.status, "NEEDS-ACTION")
    summary = f"¶{finding.paragraph} {_addressee(pack, finding.subject)}: {_words(pack, finding)}"
    if finding.status == "violated":
        summary = "Violated — " + summary
    lines = ["BEGIN:VTODO", f"UID:{escape_text(uid(finding.id, key))}", f"DTSTAMP:{_stamp(finding)}",
             f"LAST-MODIFIED:{_stamp(finding)}"]
    opened = _date_of(finding.opened)
    if finding.due is None or opened <= date.fromisoformat(finding.due):
        lines.append(f"DTSTART;VALUE=DATE:{opened.strftime('%Y%m%d')}")
    if finding.due is not None:
        lines.append(f"DUE;VALUE=DATE:{_day(finding.due)}")
    lines += [f"SUMMARY:{escape_text(summary)}", f"DESCRIPTION:{escape_text(_description(pack, finding))}",
              f"STATUS:{status}",
              _categories(finding, resolution)]
    if status == "COMPLETED" and finding.closed is not None:
        lines += [f"COMPLETED:{_utc(finding.closed)}", "PERCENT-COMPLETE:100"]
    if status == "NEEDS-ACTION" and finding.due is not None:
        lines += ["BEGIN:VALARM", "ACTION:DISPLAY", f"DESCRIPTION:{escape_text(summary)}",
                  f"TRIGGER;RELATED=END:-P{alarm_days}D", "END:VALARM"]
    lines.append("END:VTODO")
    return lines


def _event(pack: RulePack, finding: FindingView, key: str, until: str, resolution: str) -> list[str]:
    first = _date_of(finding.opened)
    last = date.fromisoformat(finding.due or until)
    end = max(last, first) + timedelta(days=1)
    summary = (f"¶{finding.paragraph} authorization ({finding.status}), {_addressee(pack, finding.subject)}"
               + (f", incident {finding.incident}" if finding.incident else "") + f": {_words(pack, finding)}")
    return ["BEGIN:VEVENT", f"UID:{escape_text(uid(finding.id, key))}", f"DTSTAMP:{_stamp(finding)}",
            f"LAST-MODIFIED:{_stamp(finding)}", f"DTSTART;VALUE=DATE:{first.strftime('%Y%m%d')}",
            f"DTEND;VALUE=DATE:{end.strftime('%Y%m%d')}", f"SUMMARY:{escape_text(summary)}",
            f"DESCRIPTION:{escape_text(_description(pack, finding))}", "STATUS:CONFIRMED", "TRANSP:TRANSPARENT",
            _categories(finding, resolution),
            "END:VEVENT"]


def calendar(report: Report, pack: RulePack, *, key: str | None = None,
             alarm_days: int = DEFAULT_ALARM_DAYS) -> bytes:
    """The iCalendar file's bytes for ``report``; ``key`` makes the UIDs unique to the scenario
    (:func:`scenario_key`)."""
    if not 0 <= alarm_days <= MAX_ALARM_DAYS:
        raise ValueError(f"alarm_days must be 0 to {MAX_ALARM_DAYS}")
    key = key or scenario_key(report.scenario)
    overridden = [f"{k}={v['value']}" for k, v in report.assumptions.items() if v["overridden"]]
    about = (f"Resolution {report.resolution}, replayed {report.start} to {report.until}"
             + (f"; assumptions overridden: {', '.join(overridden)}" if overridden else ""))
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
             f"X-WR-CALNAME:{escape_text(report.scenario)}", f"X-WR-CALDESC:{escape_text(about)}"]
    for finding in report.findings:
        if finding.kind == "obligation":
            lines += _todo(pack, finding, key, alarm_days, report.resolution)
        elif finding.kind == "authorization":
            lines += _event(pack, finding, key, report.until, report.resolution)
    lines.append("END:VCALENDAR")
    return b"".join(fold(line) for line in lines)


def check_ics_target(target: str | Path) -> Path:
    """Bad input unless an ``.ics`` file may be written at ``target`` (checked before a replay)."""
    return check_target(target, "--ics", SUFFIXES)


def write_ics(report: Report, pack: RulePack, target: str | Path, *, key: str | None = None,
              alarm_days: int = DEFAULT_ALARM_DAYS) -> Path:
    """Write :func:`calendar` to ``target`` whole (a temporary file, then renamed)."""
    check_ics_target(target)
    return write_whole(target, calendar(report, pack, key=key, alarm_days=alarm_days), "--ics")
