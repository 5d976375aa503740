"""The answer to a why-not question as a self-contained HTML page: ``obligations explain SCENARIO --why-not P
--html FILE``.

It shows what the text and the JSON give, every text escaped: per rule its checks, the events nearest to meeting
them and, for a rule that takes its joined events only in the order of its patterns, that order (which event came
first, by how much, the assumption that decides it and the ``--assume`` that frees it); per duty the reasons it
went unfulfilled and the reports nearest to fulfilling it, each with how many days late it came, whether within
the late-report window, the period it answered instead and the fields that failed; and the late-report window
itself with its assumption. The page loads nothing from elsewhere; the same answer gives the same bytes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..explain.whynot import WhyNot
from ..explain.whynot.answers import Near, ObligationAnswer, RuleAnswer
from .files import write_whole
from .html import escape as _e
from .html import page

__all__ = ["why_not_html", "write_why_not_html"]

_STATES = {"matched": "matched", "matched_without_effect": "matched, but did not take effect",
           "not_matched": "did not match", "not_asked": "not asked"}
_STYLE = """
.ok { color: #2e7d32; font-weight: 600; } .no { color: #c62828; font-weight: 600; }
ul.checks { list-style: none; padding-left: .5rem; } dl.facts dt { font-weight: 600; }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: .1rem 1rem; }
"""


def _mark(met: bool) -> str:
    return '<span class="ok">✓</span>' if met else '<span class="no">✗</span>'


def _facts(rows: list[tuple[str, str]]) -> str:
    """A definition list of (label, HTML) pairs; labels escaped here."""
    return '<dl class="facts">' + "".join(f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>"


def _yes_no(value: Any) -> str:
    return "-" if value is None else ("yes" if value else "no")


def _order(order: dict[str, Any]) -> str:
    """The order a rule takes its joined events in, and (if broken) which came first and how to free it."""
    rows = [("order", _e(" then ".join(order.get("needs", [])))),
            ("assumption", f'<span class="mono">{_e(order.get("parameter", ""))}</span>'),
            ("met", _e(_yes_no(order.get("met"))))]
    early, before = order.get("early"), order.get("before")
    if early and before:
        rows.append(("came first", f'{_e(early.get("as"))} (event <span class="mono">{_e(early.get("event"))}'
                                   f'</span>), {_e(order.get("by", ""))} before {_e(before.get("as"))} (event '
                                   f'<span class="mono">{_e(before.get("event"))}</span>)'))
    if order.get("change"):
        rows.append(("to free the order", f'<code>{_e(order["change"])}</code>'))
    return "<p><b>Order of the joined events</b></p>" + _facts(rows)


def _near_table(items: list[Near]) -> str:
    """The acts nearest to meeting a condition or fulfilling a duty, with a duty's late-report facts."""
    late = any(n.extra for n in items)
    head = "<tr><th>event</th><th>when</th>" + (
        "<th>days late</th><th>within the late window</th><th>answered</th><th>failing fields</th>" if late
        else "") + "<th>why not</th></tr>"
    rows = []
    for near in items:
        x = near.extra
        cells = f'<td class="mono">{_e(near.event.get("id"))}</td><td>{_e(near.event.get("when"))}</td>'
        if late:
            days = x.get("days_late")
            cells += (f'<td class="num">{_e("-" if days is None else days)}</td>'
                      f'<td>{_e(_yes_no(x.get("within_late_window")))}</td>'
                      f'<td class="mono">{_e(", ".join(x.get("answered", [])) or "-")}</td>'
                      f'<td class="mono">{_e(", ".join(x.get("unmet", [])) or "-")}</td>')
        cells += f"<td>{_e('; '.join(near.reasons) or 'meets every test')}</td>"
        rows.append(f"<tr>{cells}</tr>")
    return f'<table class="near"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'


def _rule(answer: RuleAnswer) -> list[str]:
    out = [f'<h2><span class="mono">{_e(answer.rule)}</span> — {_e(_STATES[answer.outcome])}'
           + (f": {_e(', '.join(answer.findings))}" if answer.findings else "") + "</h2>",
           f"<blockquote>“{_e(answer.says)}”</blockquote>"]
    if answer.note:
        out.append(f"<p>{_e(answer.note)}</p>")
    if answer.checks:
        out.append('<ul class="checks">')
        for check in answer.checks:
            out.append(f'<li>{_mark(check.met)} <b>{_e(check.alias)}</b>: {_e(check.reason)}')
            nearest = answer.near.get(check.alias, [])
            if nearest:
                out.append(f"<br>nearest:{_near_table(nearest)}")
            out.append("</li>")
        out.append("</ul>")
    if answer.order is not None:
        out.append(_order(answer.order))
    if answer.outcome != "not_matched" and answer.reasons:
        out.append('<ul class="checks">' + "".join(f"<li>{_mark(False)} {_e(r)}</li>" for r in answer.reasons)
                   + "</ul>")
    return out


def _late_window(window: dict[str, Any]) -> str:
    state = "overridden" if window.get("overridden") else "its default"
    kind = "assumption" if window.get("assumption") else "parameter"
    return "<p><b>Late reports</b></p>" + _facts([
        ("late-report window", _e(window.get("limit", ""))),
        (kind, f'<span class="mono">{_e(window.get("parameter", ""))}</span> ({_e(state)})')])


def _obligation(answer: ObligationAnswer) -> list[str]:
    out = [f'<h2><span class="mono">{_e(answer.obligation)}</span>'
           + (": " + _e(", ".join(f"{f['id']} ({f['status']})" for f in answer.findings)) if answer.findings
              else "") + "</h2>",
           f"<blockquote>“{_e(answer.says)}”</blockquote>"]
    if answer.note:
        out.append(f"<p>{_e(answer.note)}</p>")
    if answer.late_window is not None:
        out.append(_late_window(answer.late_window))
    if answer.reasons:
        out.append('<ul class="checks">')
        for reason in answer.reasons:
            out.append(f"<li>{_mark(False)} {_e(reason)}")
            nearest = answer.near.get(reason.split(" ", 1)[0], [])
            if nearest:
                out.append(f"<br>nearest:{_near_table(nearest)}")
            out.append("</li>")
        out.append("</ul>")
    return out


def why_not_html(answer: WhyNot) -> str:
    """The page of ``answer``."""
    asked = [f"subject {answer.subject}"] if answer.subject else []
    if answer.incident:
        asked.append(f"incident {answer.incident}")
    title = f"Why not paragraph {answer.paragraph}" + (f" ({', '.join(asked)})" if asked else "")
    out = [f"<h1>{_e(title)}</h1>", f'<p class="muted">Scenario: {_e(answer.scenario)}</p>',
           f"<blockquote>Paragraph {_e(answer.paragraph.split('/')[0])}: “{_e(answer.text)}”</blockquote>"]
    if answer.note:
        out.append(f"<p>{_e(answer.note)}</p>")
    arose = ", ".join(f"{f['id']} ({f['status']})" for f in answer.arose)
    out.append(f"<p><b>Arose:</b> {_e(arose or ('nothing for this question' if asked else 'nothing'))}</p>")
    for rule in answer.rules:
        out.extend(_rule(rule))
    for obligation in answer.obligations:
        out.extend(_obligation(obligation))
    unmet = answer.reasons
    out.append("<h2>Unmet</h2>")
    out.append("<ul>" + "".join(f"<li>{_e(r)}</li>" for r in unmet) + "</ul>" if unmet else
               "<p>Nothing is unmet: every rule asked about matched and every duty was fulfilled.</p>")
    return page(title, "\n".join(out), style=_STYLE, script=False)


def write_why_not_html(answer: WhyNot, target: str | Path) -> Path:
    """Write :func:`why_not_html` to ``target`` whole (a temporary file, then a rename)."""
    return write_whole(target, why_not_html(answer).encode("utf-8"), "--html")
