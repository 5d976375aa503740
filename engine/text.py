"""Escaping text from user files before it reaches a terminal, a table or a log.

A scenario's name, an event's note, a file name or a bad value quoted in an error can hold control characters:
ESC (which starts terminal escape sequences), CR (which returns to the start of the line, so that what follows
overwrites it), NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR (line breaks to many viewers), or the invisible
marks that reverse the direction of text. Any of them could make an output line read something the engine
never said ("ok: this scenario is valid").

:func:`escape` is the one function that neutralises them: each becomes its JSON escape ``\\uXXXX``, which reads
the same in a table, an error line and a JSON string (where it is a valid escape for the same character). The
command line applies it to everything it prints; line breaks and tabs of the engine's own layout are kept with
``layout=True``.
"""

from __future__ import annotations

import re

#: C0 and C1 controls, DEL, the Unicode line and paragraph separators, and the bidirectional formatting marks
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_BUT_LAYOUT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _code(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


#: the characters of those that are ASCII (for a long ASCII text, each is looked for by itself: several times faster
#: than the expression, which reads the text character by character)
_ASCII_UNSAFE = tuple(chr(code) for code in (*range(0x20), 0x7F))
_ASCII_UNSAFE_BUT_LAYOUT = tuple(c for c in _ASCII_UNSAFE if c not in "\t\n")
_LONG = 4096  # characters from which a text that is all ASCII is searched character by character first


def escape(text: str, *, layout: bool = False) -> str:
    """``text`` with every control character written as ``\\uXXXX``; with ``layout``, newlines and tabs stay."""
    if len(text) >= _LONG and text.isascii() and not any(
            c in text for c in (_ASCII_UNSAFE_BUT_LAYOUT if layout else _ASCII_UNSAFE)):
        return text  # (a report's JSON text: its strings are escaped already, and its layout is newlines)
    return (_UNSAFE_BUT_LAYOUT if layout else _UNSAFE).sub(_code, text)
