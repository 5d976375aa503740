"""Stage 3 of the data flow: the replay of a scenario against a compiled pack.

SimPy owns all time (:mod:`.runtime` feeds events, runs the clock and forgets the facts kept for joins as their
retention ends; :mod:`.processes` keeps deadlines and window ends); durable-rules only matches patterns
(:mod:`.matcher`); what a match does is in :mod:`.effects`, over the replay's :mod:`.state`, in the words of
:mod:`.messages`; scheduled duties come from :mod:`.schedules`; every finding and its lifecycle is kept in the
:mod:`.ledger`; :mod:`.asof` stops a replay at an instant, as things were known then.
"""
