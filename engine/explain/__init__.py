"""Stage 5 of the data flow: reading a replay: why, why not, what changed, what is covered, what was expected.

:mod:`.why` explains a finding; :mod:`.whynot` explains an absent one; :mod:`.diff` compares two replays;
:mod:`.coverage` maps every paragraph to its rules and the scenarios exercising them; :mod:`.expectations`
checks a replay against a scenario's ``expect``.
"""
