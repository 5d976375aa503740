"""Paragraph names, kinds and statuses as trainees write them, checked against the rule pack.

Paragraphs are named as in the coverage list (``4``, ``20(c)(ii)``; ``obligations coverage``); a sub-item
counts for its paragraph, so ``47(ii)`` and ``47`` meet at paragraph ``47``. Kinds are the finding kinds
(``obligation``, also ``duty``; ``authorization``; ``eligibility``; ``breach``; ``not_covered``;
``engagement``), and a status must be one a finding of that kind can have.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from ..replay.ledger import INITIAL, TRANSITIONS, FindingKind, Status
from ..rulepack.pack import RulePack

KIND_ALIASES = {"duty": "obligation", "not covered": "not_covered", "engaged": "engagement"}
KINDS: tuple[str, ...] = tuple(str(k) for k in FindingKind)


def statuses_of(kind: str) -> tuple[str, ...]:
    """The statuses a finding of ``kind`` can have, its initial status first."""
    first = INITIAL[FindingKind(kind)]
    return (str(first), *sorted(str(s) for s in TRANSITIONS.get(first, frozenset())))


def top(paragraph: str) -> str:
    """The paragraph a sub-item belongs to: ``20(c)(ii)`` → ``20``."""
    match = re.match(r"\d+", paragraph)
    return match.group(0) if match else paragraph


def within(paragraph: str, objective: str) -> bool:
    """Whether ``paragraph`` is ``objective`` or one of its sub-items."""
    return paragraph == objective or paragraph.startswith((objective + "(", objective + "["))


def canonical_paragraph(pack: RulePack, value: Any) -> str:
    """A paragraph as the coverage list names it; ``ValueError`` naming the nearest one otherwise."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"a paragraph is a number or sub-item such as \"4\" or \"20(c)(ii)\", got {value!r}")
    text = re.sub(r"\s+", "", str(value)).lower().removeprefix("paragraph").removeprefix("¶")
    known = [p.id for p in pack.paragraphs]
    if text in known:
        return text
    if text in _criteria(pack):  # "4(b)": a criterion of paragraph 4, which its findings carry as `criterion`
        return top(text)
    close = difflib.get_close_matches(text, known, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else "; `obligations coverage` lists them"
    raise ValueError(f"unknown paragraph {str(value)!r}{hint}")


def canonical_kind(value: Any) -> str:
    text = str(value).strip().lower().replace("-", "_") if isinstance(value, str) else ""
    text = KIND_ALIASES.get(text.replace("_", " "), KIND_ALIASES.get(text, text))
    if text in KINDS:
        return text
    raise ValueError(f"unknown kind {value!r}; one of {', '.join(KINDS)} (or duty)")


def canonical_status(value: Any, kind: str) -> str:
    text = str(value).strip().lower().replace(" ", "_") if isinstance(value, str) else ""
    allowed = statuses_of(kind)
    if text in allowed:
        return text
    if text in {str(s) for s in Status}:
        raise ValueError(f"status {value!r} is not one a finding of kind {kind} can have ({', '.join(allowed)})")
    raise ValueError(f"unknown status {value!r}; for kind {kind}: {', '.join(allowed)}")


def _criteria(pack: RulePack) -> set[str]:
    """Paragraph 4's sanctions criteria as written ``4(a)``…: sub-items its findings name by ``criterion``."""
    found = set()
    for rule, paragraph in pack.rules:
        for effect in rule.then:
            if effect.eligibility is not None:
                found.add(f"{top(paragraph.id)}({effect.eligibility.criterion})")
    return found


def due_word(kind: str) -> str:
    """How a finding's date is said: an authorization *ends*, a duty is *due*."""
    return "ends" if kind == "authorization" else "due"
