"""Stage 3 of the data flow: the replay of a scenario against a compiled pack.

SimPy owns all time (:mod:`.runtime`); durable-rules only matches patterns (:mod:`.matcher`); scheduled duties
come from :mod:`.schedules`; every finding and its lifecycle is kept in the :mod:`.ledger`.
"""
