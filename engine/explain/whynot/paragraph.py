"""The why-not of a paragraph (``--why-not``): which rules and obligations it names, what arose from them, and
the answer for each rule and each obligation."""

from __future__ import annotations

import difflib

from ...errors import InputError
from ...rulepack.pack import RulePack
from ...rulepack.rulebook import Obligation, Rule
from ..why import Replayed
from .answers import WhyNot
from .duties import obligation_answer
from .question import Question
from .rules import rule_answer


def resolve_paragraph(pack: RulePack, asked: str) -> tuple[str, list[Rule], list[Obligation]]:
    """The paragraph a ``--why-not`` names (a paragraph id such as ``37``, or a rule id such as ``4(d)``), its
    rules and obligations."""
    wanted = asked.strip().lstrip("¶").strip()
    ids = [p.id for p in pack.paragraphs]
    if wanted in ids:
        paragraph = pack.paragraph(wanted)
        obligations = [o for o, p in pack.obligations.values() if p.id == wanted]
        return wanted, list(paragraph.rules), obligations
    rules = [(r, p) for r, p in pack.rules if r.id == wanted or r.id.startswith((wanted + "/", wanted + "("))]
    obligations = [o for o, p in pack.obligations.values() if o.id == wanted or o.id.startswith(wanted + "/")]
    if rules or obligations:
        paragraph_id = rules[0][1].id if rules else next(p.id for o, p in pack.obligations.values()
                                                         if o.id == obligations[0].id)
        return paragraph_id, [r for r, _ in rules], obligations
    near = difflib.get_close_matches(wanted, ids + [r.id for r, _ in pack.rules], n=3, cutoff=0.3)
    hint = f"; did you mean {' or '.join(near)}?" if near else ""
    raise InputError(f"no paragraph or rule {asked!r} in resolution {pack.manifest.resolution}{hint}",
                     path="--why-not")



def encoded_parts(pack: RulePack, paragraph_id: str) -> list[str]:
    """The encoded sub-items of a paragraph, at any depth (paragraph 20(a)(ii)'s 20(a)(ii)[1] and [3])."""
    parents = {p.id: p.parent for p in pack.paragraphs}

    def under(pid: str) -> bool:
        parent = parents.get(pid)
        while parent is not None:
            if parent == paragraph_id:
                return True
            parent = parents.get(parent)
        return False

    return [p.id for p in pack.paragraphs if p.encoded and under(p.id)]


def why_not(replayed: Replayed, paragraph: str, *, subject: str | None = None,
            incident: str | None = None) -> WhyNot:
    """Why paragraph (or rule) ``paragraph`` gave no finding — for ``subject`` and ``incident`` if given."""
    pack = replayed.pack
    paragraph_id, rules, obligations = resolve_paragraph(pack, paragraph)
    actor: str | None = None
    if subject is not None:
        try:
            actor = pack.actor(subject)
        except ValueError as exc:
            raise InputError(str(exc), path="--subject") from None
    model = pack.paragraph(paragraph_id)
    answer = WhyNot(scenario=replayed.scenario.name, paragraph=paragraph.strip().lstrip("¶").strip(),
                    text=" ".join(model.text.split()), subject=actor, incident=incident)
    if not model.encoded:
        answer.note = f"Paragraph {paragraph_id} is not encoded as rules: {' '.join((model.not_engaged or '').split())}"
        parts = encoded_parts(pack, paragraph_id)
        if parts:
            answer.note += (f" Its sub-item{'s' if len(parts) > 1 else ''} {', '.join(parts)} "
                            f"{'are' if len(parts) > 1 else 'is'} encoded: ask about "
                            f"{'one of them' if len(parts) > 1 else 'it'} (--why-not {parts[0]}).")
    types = {p.event for rule in rules for p in rule.when} | {o.fulfilled_by.event for o in obligations}
    question = Question(replayed, actor, incident, types | {"threat"})  # threats: why a grant lapsed
    rule_ids = {r.id for r in rules}
    obligation_ids = {o.id for o in obligations}
    for finding in replayed.report.findings:
        if finding.paragraph != paragraph_id:
            continue
        concerned = finding.rule in rule_ids | obligation_ids or any(e["rule"] in rule_ids for e in finding.provenance)
        if (concerned and (actor is None or finding.subject == actor)
                and (incident is None or finding.incident == incident)):
            answer.arose.append({"id": finding.id, "kind": finding.kind, "status": finding.status})
    answer.rules = [rule_answer(question, rule) for rule in rules]
    answer.obligations = [obligation_answer(question, o) for o in obligations]
    return answer
