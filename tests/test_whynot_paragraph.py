"""--why-not of a paragraph: which rules and obligations it names, and where to ask when it is not encoded itself."""

from __future__ import annotations

from pathlib import Path

from engine import Engine
from engine.explain.why import replay
from engine.explain.whynot import why_not

TOO_LATE = str(Path(__file__).resolve().parent.parent / "scenarios"
               / "p47-a-report-more-than-30-days-late-answers-the-period-it-is-filed-in.yaml")


def test_why_not_of_a_chapeau_names_its_encoded_sub_items_to_ask_about_instead(engine: Engine) -> None:
    replayed = replay(engine, TOO_LATE)
    chapeau = why_not(replayed, "20(a)(ii)")
    assert chapeau.rules == [] and chapeau.obligations == []
    assert chapeau.note.endswith("Its sub-items 20(a)(ii)[1], 20(a)(ii)[3] are encoded: ask about one of them "
                                 "(--why-not 20(a)(ii)[1]).")
    assert "sub-item" not in why_not(replayed, "47").note
    named = why_not(replayed, "20(a)(ii)[1]")
    assert [o.obligation for o in named.obligations] == ["20(a)(ii)[1]"]
    assert named.reasons[0] == "20(a)(ii)[1]:minusma:2017-09-29 was violated: nothing fulfilled it by 29 September 2017"

