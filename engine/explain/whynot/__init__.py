"""Why a finding did not arise: the unmet conditions of a paragraph's rules and the events that almost met them.

``obligations explain SCENARIO --why-not PARAGRAPH [--subject ACTOR] [--incident ID]`` reads the paragraph's
rules as data — their patterns and field tests, ``same_as`` joins, ``within``, the windows of the authorizations
they grant or exercise, and the obligations' schedules and fulfilments — and evaluates them here, in Python,
against the scenario's events. This evaluator only explains; matching itself stays in durable-rules, and where
the replay already answers (which findings a match produced, which grant an intervention found) its answer is
read from the report.

For each rule it reports either the findings it produced, or the nearest combination of events with, for each
condition, the event that met it or why none did ("no request from the Secretary-General to the French forces
for incident tbk-2018-04-14"), the events that came closest and what they lack ("tessalit-request: from the
Government of Mali, not the Secretary-General"), and joins that came too far apart ("the request came 4 days
after the threat; the rule joins them only within 3 days (assumption threat_request_window)"), and joins in the
wrong order for a rule that takes its events only in the order of its patterns (paragraph 37's request before its
threat when the assumption request_may_precede_threat is false). A match that
engaged nothing says why (an authorization's window had ended; no grant covered the intervention). For each
obligation it explains every duty that was not fulfilled: the reports by someone else, of another kind, after
the due date, or that answered another period — under the late-report rule, how many days late the nearest report
came, the window (assumption late_report_window) and the period it answered instead, as the replay recorded it.

``--subject`` and ``--incident`` narrow the question: they become one more test on the field of the rule that
gives a finding its subject or incident, so that nearby events for other actors or incidents are still shown,
with what differs.

The package, by responsibility: :mod:`.paragraph` (the question on a paragraph, :func:`why_not`), :mod:`.rules`
(the why-not of an event rule), :mod:`.authorizations` (of a grant or an intervention), :mod:`.duties` (of an
obligation), :mod:`.late` (the late-report rule), :mod:`.search` (the nearest-events search), :mod:`.patterns`
(one pattern against one event), :mod:`.question` (the question's state and extra tests), :mod:`.answers` (the
answer and its rendering) and :mod:`.phrasing` (its words).
"""

from .answers import Check, Near, ObligationAnswer, RuleAnswer, WhyNot
from .paragraph import resolve_paragraph, why_not

__all__ = ["Check", "Near", "ObligationAnswer", "RuleAnswer", "WhyNot", "resolve_paragraph", "why_not"]
