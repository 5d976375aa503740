"""A replay as one self-contained HTML page, built from parts other pages reuse (the exercise debrief).

``obligations run SCENARIO --html FILE.html`` writes :func:`report_html`: the scenario's name and window, the
assumptions in force, the findings as a table that sorts (click a heading) and filters (a search box, a status
and a kind menu), each finding with its explanation and the paragraph's words, and the timeline as inline SVG.

The page loads nothing from the network: its CSS, its script (sorting and filtering, about forty lines) and its
picture are inline. Every text from a scenario, a rule file or a finding is escaped (:func:`escape`), so a name
holding ``<script>`` shows as text. The same replay gives a byte-identical page, written whole.

The parts, for other pages:

* :func:`page` — a whole document from a title and a body (the shared style and script included);
* :func:`findings_table_html` — the sortable, filterable findings table with explanations and words;
* :func:`assumptions_html` — the assumptions with their values, overridden ones marked;
* :func:`timeline_svg` — the timeline picture (:mod:`engine.outputs.plot`) as inline SVG, with optional marks
  (a vertical line and a label at an instant, e.g. the end of an exercise's move);
* :func:`paragraph_words` — a paragraph's words, or ``None``; :func:`escape` — text to HTML.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path

from ..inputs.scenario import Scenario
from ..rulepack.pack import RulePack
from .files import check_target, write_whole
from .report import FindingView, Report

SUFFIXES = (".html", ".htm")

STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 80rem; padding: 0 1rem; color: #212121; }
h1 { font-size: 1.45rem; margin-bottom: .2rem; } h2 { font-size: 1.15rem; margin-top: 2rem;
  border-bottom: 1px solid #cfd8dc; }
table { border-collapse: collapse; margin: .5rem 0 1rem; width: 100%; }
th, td { border: 1px solid #cfd8dc; padding: .25rem .45rem; text-align: left; vertical-align: top; }
th { background: #eceff1; } th.sortable { cursor: pointer; user-select: none; }
th.sortable::after { content: " \\2195"; color: #90a4ae; }
th[aria-sort=ascending]::after { content: " \\2191"; color: #263238; }
th[aria-sort=descending]::after { content: " \\2193"; color: #263238; }
.muted { color: #607d8b; } .mono { font-family: ui-monospace, monospace; font-size: .85em; }
.status { font-weight: 600; white-space: nowrap; }
.filters { display: flex; gap: .6rem; flex-wrap: wrap; align-items: center; margin: .6rem 0; }
blockquote { margin: .3rem 0 .3rem .3rem; padding-left: .6rem; border-left: 3px solid #b0bec5; color: #37474f; }
details summary { cursor: pointer; } .overridden { background: #fff8e1; }
.timeline svg { width: 100%; height: auto; }
"""

SCRIPT = """
(function () {
  function key(cell) { return cell.getAttribute('data-sort') || cell.textContent.trim(); }
  document.querySelectorAll('table.findings').forEach(function (table) {
    var body = table.tBodies[0];
    table.querySelectorAll('th.sortable').forEach(function (th, column) {
      th.addEventListener('click', function () {
        var up = th.getAttribute('aria-sort') !== 'ascending';
        table.querySelectorAll('th').forEach(function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', up ? 'ascending' : 'descending');
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = key(a.cells[column]), y = key(b.cells[column]);
          var n = Number(x) - Number(y);
          var c = (x !== '' && y !== '' && !isNaN(n)) ? n : x.localeCompare(y);
          return up ? c : -c;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
    var box = document.getElementById(table.id + '-filters');
    if (!box) { return; }
    var inputs = box.querySelectorAll('input, select');
    function apply() {
      var text = box.querySelector('input').value.toLowerCase(), shown = 0;
      var wanted = {};
      box.querySelectorAll('select').forEach(function (s) { wanted[s.name] = s.value; });
      Array.prototype.forEach.call(body.rows, function (row) {
        var ok = row.textContent.toLowerCase().indexOf(text) >= 0;
        Object.keys(wanted).forEach(function (name) {
          if (wanted[name] && row.getAttribute('data-' + name) !== wanted[name]) { ok = false; }
        });
        row.hidden = !ok; shown += ok ? 1 : 0;
      });
      box.querySelector('output').textContent = shown + ' of ' + body.rows.length + ' shown';
    }
    inputs.forEach(function (input) { input.addEventListener('input', apply); });
  });
})();
"""

STATUS_STYLE = {  # text colours per status, as in the timeline's palette (engine.outputs.plot)
    "fulfilled": "#1b5e20", "violated": "#b71c1c", "breach": "#b71c1c", "expired": "#8d4b00",
    "exercised": "#4a148c", "eligible": "#0d47a1", "not_covered": "#8d4b00",
}


def escape(text: object) -> str:
    """Any text as HTML text or attribute value (``& < > " '`` escaped)."""
    return html.escape(str(text), quote=True)


def page(title: str, body: str, *, style: str = "", script: bool = True) -> str:
    """A whole HTML document: ``title`` (escaped here), ``body`` (HTML, already escaped by the caller), the
    shared :data:`STYLE` plus ``style``, and the sorting and filtering :data:`SCRIPT` unless ``script`` is false."""
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>", f"<style>{STYLE}{style}</style>", "</head>", "<body>", body,
        f"<script>{SCRIPT}</script>" if script else "", "</body>", "</html>",
    ]) + "\n"


def paragraph_words(pack: RulePack, paragraph_id: str) -> str | None:
    """The words of a paragraph or sub-item, whitespace folded; ``None`` if the pack has no such paragraph."""
    try:
        return " ".join(pack.paragraph(paragraph_id).text.split())
    except KeyError:
        return None


def _actor_name(pack: RulePack | None, actor_id: str) -> str:
    actor = pack.actors.by_id.get(actor_id) if pack is not None else None
    return actor.name if actor is not None else actor_id


def _short(instant: str | None) -> str:
    if not instant:
        return "-"
    moment = datetime.fromisoformat(instant.replace("Z", "+00:00"))
    return moment.strftime("%Y-%m-%d") + ("" if (moment.hour, moment.minute) == (0, 0)
                                           else moment.strftime(" %H:%M"))


def _paragraph_sort(paragraph: str) -> str:
    head = re.match(r"\d+", paragraph)
    return f"{int(head.group()) if head else 9999:04d}{paragraph}"


def _menu(name: str, values: Iterable[str]) -> str:
    options = "".join(f'<option value="{escape(v)}">{escape(v.replace("_", " "))}</option>' for v in values)
    return (f'<label>{escape(name)} <select name="{escape(name)}"><option value="">any</option>{options}'
            "</select></label>")


def findings_table_html(findings: Sequence[FindingView], pack: RulePack | None = None, *,
                        table_id: str = "findings") -> str:
    """The findings as a sortable, filterable table (a search box, a status and a kind menu above it); each row
    holds the finding's explanation and, given ``pack``, the paragraph's words and the subject's name."""
    if not findings:
        return "<p>No finding.</p>"
    statuses = sorted({f.status for f in findings})
    kinds = sorted({f.kind for f in findings})
    ident = escape(table_id)
    out = [f'<div class="filters" id="{ident}-filters"><label>Search <input type="search" '
           f'placeholder="id, actor, words…"></label>{_menu("status", statuses)}{_menu("kind", kinds)}'
           f'<output class="muted">{len(findings)} of {len(findings)} shown</output></div>',
           f'<table class="findings" id="{ident}"><thead><tr>']
    for heading in ("¶", "id", "kind", "subject", "status", "opened", "due", "closed", "days late", "events",
                    "why"):
        sortable = ' class="sortable"' if heading != "why" else ""
        out.append(f"<th{sortable}>{escape(heading)}</th>")
    out.append("</tr></thead><tbody>")
    for f in findings:
        colour = STATUS_STYLE.get(f.status)
        style = f' style="color: {colour}"' if colour else ""
        words = paragraph_words(pack, f.paragraph) if pack is not None else None
        quote = f"<blockquote>Paragraph {escape(f.paragraph)}: “{escape(words)}”</blockquote>" if words else ""
        kind = f.kind + (f" ({f.criterion})" if f.criterion else "")
        out.append(
            f'<tr data-status="{escape(f.status)}" data-kind="{escape(f.kind)}">'
            f'<td data-sort="{escape(_paragraph_sort(f.paragraph))}">{escape(f.paragraph)}</td>'
            f'<td class="mono">{escape(f.id)}</td><td>{escape(kind)}</td>'
            f'<td>{escape(_actor_name(pack, f.subject))}</td>'
            f'<td class="status"{style}>{escape(f.status)}</td>'
            f'<td data-sort="{escape(f.opened)}">{escape(_short(f.opened))}</td>'
            f'<td>{escape(f.due or "-")}</td><td data-sort="{escape(f.closed or "")}">{escape(_short(f.closed))}</td>'
            f'<td data-sort="{f.days_late if f.days_late is not None else ""}">'
            f'{escape(f.days_late) if f.days_late is not None else "-"}</td>'
            f'<td class="mono">{escape(", ".join(f.events) or "-")}</td>'
            f"<td><details><summary>{escape(_first_sentence(f.explanation))}</summary>"
            f"<p>{escape(f.explanation)}</p>{quote}</details></td></tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def _first_sentence(text: str, limit: int = 90) -> str:
    """The summary line of an explanation: its words after the quotation, cut short."""
    rest = re.sub(r'^Paragraph [^:]+: "[^"]*"\.\s*', "", text) or text
    return rest if len(rest) <= limit else rest[: limit - 1].rstrip() + "…"


def assumptions_html(report: Report) -> str:
    """The assumptions in force: name, value, paragraph and the words each interprets; overridden ones marked."""
    if not report.assumptions:
        return "<p>None.</p>"
    import json

    rows = ["<table><thead><tr><th>assumption</th><th>value</th><th>¶</th><th>the words it interprets</th>"
            "</tr></thead><tbody>"]
    for name, a in report.assumptions.items():
        mark = ' class="overridden"' if a.get("overridden") else ""
        value = json.dumps(a.get("value"), ensure_ascii=False, sort_keys=True)
        rows.append(f"<tr{mark}><td class=\"mono\">{escape(name)}</td><td class=\"mono\">{escape(value)}"
                    f"{' <b>(overridden)</b>' if a.get('overridden') else ''}</td>"
                    f"<td>{escape(a.get('paragraph', ''))}</td><td>“{escape(a.get('says', ''))}”</td></tr>")
    rows.append("</tbody></table>")
    return "\n".join(rows)


def timeline_svg(report: Report, scenario: Scenario, *, marks: Sequence[tuple[datetime, str]] = (),
                 start: date | None = None, end: date | None = None, pack: RulePack | None = None) -> str:
    """The timeline (:func:`engine.outputs.plot.figure`) as an inline ``<svg>`` element: no XML declaration,
    no metadata; ``marks`` are (instant, label) pairs drawn as labelled vertical lines; ``start``/``end`` zoom;
    ``pack`` (the rules replayed) says where duties' due days end."""
    from .plot import render

    text = render(report, scenario, "svg", marks=marks, start=start, end=end, pack=pack).decode("utf-8")
    text = text[text.index("<svg"):]
    return re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)


def report_html(report: Report, pack: RulePack, scenario: Scenario, *, timeline: bool = True,
                start: date | None = None, end: date | None = None) -> str:
    """The whole report page for one replay."""
    overridden = [n for n, a in report.assumptions.items() if a.get("overridden")]
    body = [
        f"<h1>{escape(report.scenario)}</h1>",
        f'<p class="muted">Resolution {escape(report.resolution)}, replayed {escape(report.start)} to '
        f"{escape(report.until)}: {report.events} event{'s' if report.events != 1 else ''}, "
        f"{len(report.findings)} finding{'s' if len(report.findings) != 1 else ''}"
        + (f"; as of {escape(report.as_of)}" if getattr(report, "as_of", None) else "") + ".</p>",
    ]
    if timeline:
        svg = timeline_svg(report, scenario, start=start, end=end, pack=pack)
        body.append(f'<h2>Timeline</h2><div class="timeline">{svg}</div>')
    body.append("<h2>Findings</h2>")
    body.append(findings_table_html(report.findings, pack))
    body.append("<h2>Assumptions in force</h2>")
    body.append(f"<p>{len(overridden)} overridden{': ' + escape(', '.join(overridden)) if overridden else ''}.</p>")
    body.append(assumptions_html(report))
    return page(f"{report.scenario} — Resolution {report.resolution}", "\n".join(body))


def external_references(text: str) -> list[str]:
    """Addresses a page would fetch from elsewhere: ``src``/``href`` values other than fragments and data, and
    CSS ``url(…)`` and ``@import`` (none, for a self-contained page)."""
    found = re.findall(r"""(?:src|href)\s*=\s*["']?(?!#|data:)([^"'\s>]+)""", text)
    found += re.findall(r"url\(\s*['\"]?(?!#|data:)([^)'\"]+)", text)
    found += re.findall(r"@import\s+([^;]+)", text)
    return found


def check_html_target(target: str | Path) -> Path:
    """Bad input unless an ``.html`` file may be written at ``target`` (checked before a replay)."""
    return check_target(target, "--html", SUFFIXES)


def write_html(report: Report, pack: RulePack, scenario: Scenario, target: str | Path, *,
               start: date | None = None, end: date | None = None) -> Path:
    """Write :func:`report_html` to ``target`` whole (a temporary file, then renamed); ``start``/``end`` zoom
    the timeline."""
    check_html_target(target)
    return write_whole(target, report_html(report, pack, scenario, start=start, end=end).encode("utf-8"), "--html")

