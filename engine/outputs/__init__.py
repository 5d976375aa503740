"""Stage 4 of the data flow: what a replay gives people.

:mod:`.report` is the report of a replay with its two renderings (a table and the JSON contract); :mod:`.filters`
selects findings by paragraph, kind, status and subject; :mod:`.plot` draws findings on a time axis; :mod:`.ics`
writes duties and authorizations as a calendar; :mod:`.files` writes an output file whole or not at all.
"""
