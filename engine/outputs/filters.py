"""Which findings to show: by paragraph, kind, status and subject.

A :class:`Selection` keeps a finding when it passes every filter given; within one filter, any of its values will
do (``--status violated --status expired``, or ``--status violated,expired``). A paragraph keeps its sub-items
and its rules: ``47`` keeps ``47(i)``, ``20(a)`` keeps ``20(a)(ii)[1]``, and ``4(d)`` keeps the findings of the
rules ``4(d)/attack`` and ``4(d)/ceasefire`` although their paragraph is ``4``. Subjects are named as in a
scenario (the resolution's names, aliases or ids, any case) and compared by actor id.

:func:`select` checks the values against the rule pack (an unknown paragraph, kind, status or actor is bad input,
naming the option) and returns the selection; :meth:`Selection.report` narrows a report to it,
:func:`narrow_diff` a diff and :func:`narrow_why_not` a why-not answer.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..errors import InputError
from ..record import Frozen
from ..replay.ledger import FindingKind, Status
from ..rulepack.pack import RulePack
from .report import FindingView, Report

if TYPE_CHECKING:  # only named in signatures: `run` does not import the explanations
    from ..explain.diff import ReportDiff
    from ..explain.whynot import WhyNot

KINDS = tuple(str(k) for k in FindingKind)
STATUSES = tuple(str(s) for s in Status)


def _within(value: str, ancestor: str) -> bool:
    """Whether paragraph or rule id ``value`` is ``ancestor`` or one of its sub-items or rules."""
    return value == ancestor or value.startswith((ancestor + "(", ancestor + "[", ancestor + "/"))


class Selection(Frozen):
    """Filters on findings; an empty selection keeps every finding."""

    _fields = ("paragraphs", "kinds", "statuses", "subjects")
    paragraphs: tuple[str, ...]
    kinds: tuple[str, ...]
    statuses: tuple[str, ...]
    subjects: tuple[str, ...]  # actor ids

    def __init__(self, paragraphs: tuple[str, ...] = (), kinds: tuple[str, ...] = (), statuses: tuple[str, ...] = (),
                 subjects: tuple[str, ...] = ()) -> None:
        self.__dict__.update(paragraphs=paragraphs, kinds=kinds, statuses=statuses, subjects=subjects)

    def __bool__(self) -> bool:
        return bool(self.paragraphs or self.kinds or self.statuses or self.subjects)

    def keeps(self, finding: FindingView) -> bool:
        """Whether ``finding`` passes every filter."""
        return self.keeps_fields(paragraph=finding.paragraph, rule=finding.rule, kind=finding.kind,
                                 status=finding.status, subject=finding.subject)

    def keeps_fields(self, *, paragraph: str, rule: str, kind: str, status: str, subject: str) -> bool:
        """:meth:`keeps` for a finding given by its fields (as in a diff or a why-not answer)."""
        return ((not self.paragraphs or any(_within(paragraph, p) or _within(rule, p) for p in self.paragraphs))
                and (not self.kinds or kind in self.kinds)
                and (not self.statuses or status in self.statuses)
                and (not self.subjects or subject in self.subjects))

    def report(self, report: Report) -> Report:
        """``report`` with only the findings this selection keeps (everything else unchanged)."""
        if not self:
            return report
        return dataclasses.replace(report, findings=tuple(f for f in report.findings if self.keeps(f)))

    def describe(self) -> str:
        """The selection in words: ``paragraph 47; status violated or expired``."""
        parts = []
        for name, values in (("paragraph", self.paragraphs), ("kind", self.kinds), ("status", self.statuses),
                             ("subject", self.subjects)):
            if values:
                parts.append(f"{name} {' or '.join(values)}")
        return "; ".join(parts)


def _split(values: Iterable[str] | None) -> list[str]:
    out: list[str] = []
    for value in values or ():
        out.extend(v.strip() for v in value.split(",") if v.strip())
    return out


def _unknown(option: str, what: str, value: str, known: Iterable[str]) -> InputError:
    choices = list(known)
    near = difflib.get_close_matches(value, choices, n=3, cutoff=0.5)
    hint = f"; did you mean {' or '.join(near)}?" if near else f" (one of: {', '.join(choices)})"
    return InputError(f"no {what} {value!r}{hint}", path=option)


def select(pack: RulePack, *, paragraph: Iterable[str] | None = None, kind: Iterable[str] | None = None,
           status: Iterable[str] | None = None, subject: Iterable[str] | None = None) -> Selection:
    """A checked :class:`Selection`; each argument holds option values, each possibly comma-separated."""
    ids = [p.id for p in pack.paragraphs] + [r.id for r, _ in pack.rules]
    paragraphs = []
    for value in _split(paragraph):
        wanted = value.lstrip("¶").strip()
        if not any(_within(i, wanted) for i in ids):
            near = difflib.get_close_matches(wanted, ids, n=3, cutoff=0.3)
            hint = f"; did you mean {' or '.join(near)}?" if near else ""
            raise InputError(f"no paragraph or rule {value!r} in resolution {pack.manifest.resolution}{hint}",
                             path="--paragraph")
        paragraphs.append(wanted)
    kinds = _split(kind)
    for value in kinds:
        if value not in KINDS:
            raise _unknown("--kind", "kind of finding", value, KINDS)
    statuses = _split(status)
    for value in statuses:
        if value not in STATUSES:
            raise _unknown("--status", "status", value, STATUSES)
    subjects = []
    for value in _split(subject):
        try:
            subjects.append(pack.actor(value))
        except ValueError as exc:
            raise InputError(str(exc), path="--subject") from None
    return Selection(tuple(paragraphs), tuple(kinds), tuple(statuses), tuple(subjects))


def narrow_diff(diff: ReportDiff, selection: Selection) -> ReportDiff:
    """``diff`` with only the differences whose base or variant finding the selection keeps (so a finding whose
    status changed from one kept status to another is still shown as changed)."""
    if not selection:
        return diff
    kept = tuple(d for d in diff.findings
                 if any(f is not None and selection.keeps(f) for f in (d.base, d.variant)))
    variant = {f.id: f for f in diff.variant.findings}
    unchanged = tuple(i for i in diff.unchanged if i in variant and selection.keeps(variant[i]))
    return dataclasses.replace(diff, findings=kept, unchanged=unchanged)


def narrow_why_not(answer: WhyNot, selection: Selection, report: Report) -> WhyNot:
    """``answer`` with only the findings the selection keeps, and (``--paragraph``) only the rules and duties
    within the paragraphs it names. The answer is changed in place and returned."""
    if not selection:
        return answer
    by_id = {f.id: f for f in report.findings}

    def kept(finding_id: str) -> bool:
        finding = by_id.get(finding_id)
        return finding is not None and selection.keeps(finding)

    def within(rule_id: str) -> bool:
        return not selection.paragraphs or any(_within(rule_id, p) for p in selection.paragraphs)

    answer.arose = [f for f in answer.arose if kept(f["id"])]
    answer.rules = [r for r in answer.rules if within(r.rule)]
    answer.obligations = [o for o in answer.obligations if within(o.obligation)]
    for obligation in answer.obligations:
        obligation.findings = [f for f in obligation.findings if kept(f["id"])]
    return answer
