"""Stage 4 of the data flow: what a replay gives people.

:mod:`.report` is the report of a replay with its two renderings (a table and the JSON contract); :mod:`.plot`
draws findings on a time axis.
"""
