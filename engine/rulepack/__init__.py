"""Stage 2 of the data flow: the rules, as data, and their compilation for the matcher.

:mod:`.rulebook` is the rule format (validated models); :mod:`.loader` finds and reads packs from the ``rules``
package; :mod:`.pack` cross-checks a pack against the resolution's text and offers its lookups; :mod:`.compiler`
turns a pack into one durable-rules ruleset checked against the library's limits.
"""
