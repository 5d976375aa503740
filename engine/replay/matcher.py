"""The durable-rules wrapper: pattern matching, and nothing else.

This module talks to durable-rules' C core (``durable_rules_engine``) directly, without ``durable.engine.Host``,
because the Host is where durable-rules' traps live (docs/architecture.md lists them):

* no Host means no background timer threads and no wall clock: nothing runs except inside our calls;
* "actions" are not Python callbacks: a match is returned to the caller as data, so an error while acting on
  it is an ordinary Python exception in the caller, never a string swallowed into session state;
* every occurrence is asserted as a *fact*, so it fires every rule it matches (events are consumed by the first
  rule that fires; facts are not); the runtime retracts facts no rule can still need;
* the engine assigns every message id and guarantees that the ids alive in a session have distinct 32-bit
  FNV-1a hashes, which is all durable-rules compares;
* one session is alive at a time (:class:`Matcher.session` refuses a second), it fires a no-op rule first so
  that deleting it is safe, and it is always deleted at the end;
* numbers are integers only (the C JSON parser rejects exponents).

Going to the C core also removes most of the ~17 µs of Python binding per message
(the C core alone takes about 1.2 µs).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import json.scanner
from collections.abc import Iterator
from contextlib import contextmanager
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import Any

import durable_rules_engine as _dre

from ..errors import MatcherError
from ..rulepack.compiler import OPEN_TYPE
from .verdicts import joined_types, ordered_constants, properties_read

# The C encoder built once: JSONEncoder.encode builds a new one on every call, which cost more than encoding a
# flat message. Arguments: markers (None: no cycle check; messages are flat), default, string encoder, indent,
# key and item separators, sort_keys, skipkeys, allow_nan.
_C_ENCODER = c_make_encoder(None, None, encode_basestring, None, ":", ",", False, False, False) \
    if c_make_encoder is not None else None


# The C scanner that json.loads ends in, without its wrappers (a match is a small object, read 24,000 times in a
# 100,000-event replay): (object, index where it ended).
_SCAN = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[arg-type]


def _read(text: str) -> Any:
    """``json.loads(text)``, quicker for compact JSON."""
    try:
        value, end = _SCAN(text, 0)
    except StopIteration:  # (leading whitespace, or nothing)
        return json.loads(text)
    return value if end == len(text) else json.loads(text)


def _ENCODE(message: dict[str, Any]) -> str:
    if _C_ENCODER is None:
        return json.dumps(message, ensure_ascii=False, check_circular=False)
    return "".join(_C_ENCODER(message, 0))
_NOT_HANDLED = 1
_OBSERVED = 2
_ruleset_names = itertools.count(1)
_session_ids = itertools.count(1)

Match = tuple[str, dict[str, dict[str, Any]]]  # (durable rule name, {alias: message})


def fnv1a_32(text: str) -> int:
    """The 32-bit FNV-1a hash durable-rules uses to compare ids."""
    value = 0x811C9DC5
    for byte in text.encode("utf-8"):
        value ^= byte
        value = (value * 16777619) & 0xFFFFFFFF
    return value


_ID_HASHES: list[int] = []  # fnv1a_32(str(n)) for n = 0, 1, 2, …: every session numbers its facts from 1


def _id_hash(number: int) -> int:
    """The hash of id ``str(number)``. The table grows only as far as the highest id a session used; ids are
    reused once their facts are gone (see :meth:`Session._new_id`), so that is the peak of live facts, not the
    number of facts ever asserted."""
    while len(_ID_HASHES) <= number:
        _ID_HASHES.append(fnv1a_32(str(len(_ID_HASHES))))
    return _ID_HASHES[number]


def _call(what: str, function: Any, *args: Any) -> Any:
    try:
        return function(*args)
    except Exception as exc:  # the C core raises plain Exceptions with an error code
        raise MatcherError(f"durable-rules failed in {what}: {exc}") from exc


class Matcher:
    """One ruleset loaded in durable-rules."""

    def __init__(self, ruleset: dict[str, Any]) -> None:
        self.name = f"obligations{next(_ruleset_names)}"
        text = json.dumps(ruleset, ensure_ascii=False, sort_keys=True)
        self._handle = _call("create_ruleset", _dre.create_ruleset, self.name, text)
        self._live: Session | None = None
        self.names = properties_read(ruleset)  # what its tests can read of a message (see engine.replay.verdicts)
        self.ordered = ordered_constants(ruleset)  # fields it compares only by order with constants
        self.joined = joined_types(ruleset)  # types its rules of several patterns name (None: not known)

    def __del__(self) -> None:
        """Free the ruleset in durable-rules with the matcher (the API's cache drops the matchers of assumptions
        no longer used; kept, each would hold about 1 MB of C memory for the life of the process)."""
        handle = getattr(self, "_handle", None)
        if handle is not None and getattr(self, "_live", None) is None:
            with contextlib.suppress(Exception):  # nothing useful to do about it while being collected
                _dre.delete_ruleset(handle)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """The one live session of this matcher; deleted when the block ends, whatever happens in it."""
        if self._live is not None:
            raise MatcherError("a durable-rules session is already live in this process; replays run one at a time")
        session = Session(self._handle, str(next(_session_ids)), self.names, self.ordered, self.joined)
        self._live = session
        try:
            session.open()
            yield session
        finally:
            self._live = None
            session.close()


class Session:
    """A durable-rules session: assert and retract facts, get back the matches they complete."""

    def __init__(self, handle: int, sid: str,
                 names: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset()),
                 ordered: dict[str, tuple[int, ...]] | None = None, joined: frozenset[str] | None = None) -> None:
        self._handle = handle
        self.sid = sid
        self._sid_text = encode_basestring(sid)
        self.names = names  # what the ruleset's tests read (see engine.replay.verdicts)
        self.ordered = ordered or {}  # the fields they compare only by order with constants
        self.joined = joined  # the types named by rules of several patterns (None: not known)
        self._ids = itertools.count(1)
        self._hashes: set[int] = {fnv1a_32(f"sid-{sid}")}  # hashes of the ids live or free for reuse
        self._free: list[tuple[str, int]] = []  # ids (and hashes) whose facts are gone, taken again first
        self._stored: dict[str, tuple[str, int]] = {}  # live fact id -> (its JSON text, its id's hash)
        self._opened = False

    @property
    def live_facts(self) -> int:
        return len(self._stored)

    def _new_id(self) -> tuple[str, int]:
        """An id whose hash no live fact's id has: one freed before (last freed first), else the next number
        whose hash is unused. So the ids, their hashes and the table of hashes stay as many as the facts live
        at the peak, however many facts a replay asserts."""
        if self._free:
            return self._free.pop()
        while True:
            number = next(self._ids)
            candidate = str(number)
            digest = _id_hash(number)
            if digest not in self._hashes:
                self._hashes.add(digest)
                return candidate, digest

    def open(self) -> None:
        matches = self.assert_fact({"type": OPEN_TYPE})
        if not matches or not any(name == "open" for name, _ in matches):
            raise MatcherError("durable-rules did not fire the session's opening rule")
        self._opened = True

    def assert_fact(self, message: dict[str, Any]) -> list[Match] | None:
        """Assert ``message`` (the engine sets its ``sid`` and ``id``) and return every match it completes, or
        None when it meets no condition of any rule: durable-rules then does not store it, so there is nothing
        to keep or retract."""
        message["sid"] = self.sid
        message["id"], digest = self._new_id()
        return self._assert(message["id"], digest, _ENCODE(message))

    def assert_text(self, body: str) -> tuple[str, list[Match]] | None:
        """:meth:`assert_fact` for a message given as its JSON text without the closing brace (see
        :class:`.messages.MessageWriter`): the session adds ``sid`` and ``id``. Returns the fact's id and every
        match it completes, or None when it meets no condition of any rule."""
        fact_id, digest = self._new_id()
        matches = self._assert(fact_id, digest, f'{body},"sid":{self._sid_text},"id":"{fact_id}"}}')
        return None if matches is None else (fact_id, matches)

    def _assert(self, fact_id: str, digest: int, text: str) -> list[Match] | None:
        """Assert the fact ``text`` of id ``fact_id``: its matches, or None (its id freed again) when it meets no
        condition of any rule, durable-rules then storing nothing."""
        try:  # inlined `_call`: this is the hot path
            result = _dre.assert_fact(self._handle, text)
        except Exception as exc:
            raise MatcherError(f"durable-rules failed in assert_fact: {exc}") from exc
        if result[0] == _NOT_HANDLED:
            self._free.append((fact_id, digest))
            return None
        if result[0] == _OBSERVED:
            raise MatcherError(f"durable-rules already holds a fact with id {fact_id!r}")
        self._stored[fact_id] = (text, digest)
        return self._drain(result[1])

    def retract_fact(self, message: dict[str, Any]) -> None:
        """Retract a fact asserted (and stored) before; its id's hash becomes free again."""
        self.retract_id(message["id"])

    def retract_id(self, fact_id: str) -> None:
        """Retract the fact of id ``fact_id`` (asserted and stored before); its id's hash becomes free again."""
        stored = self._stored.pop(fact_id, None)
        if stored is None:
            raise MatcherError(f"fact {fact_id!r} is not live in this session")
        text, digest = stored
        try:  # inlined `_call`: this is the hot path
            result = _dre.retract_fact(self._handle, text)
        except Exception as exc:
            raise MatcherError(f"durable-rules failed in retract_fact: {exc}") from exc
        self._free.append((fact_id, digest))
        if result[0] not in (0, _NOT_HANDLED):
            raise MatcherError(f"durable-rules could not retract fact {fact_id!r} (code {result[0]})")
        if result[0] == 0:
            matches = self._drain(result[1])
            if matches:
                raise MatcherError("retracting a fact fired a rule; the compiled ruleset has no negations")

    def _drain(self, state_handle: int) -> list[Match]:
        matches: list[Match] = []
        handle = self._handle
        try:  # inlined `_call`: this is the hot path
            started = _dre.start_action_for_state(handle, state_handle)
        except Exception as exc:
            raise MatcherError(f"durable-rules failed in start_action_for_state: {exc}") from exc
        while started:
            try:
                matches.extend(_read(started[1]).items())
            except Exception as exc:
                _dre.abandon_action(handle, state_handle)
                raise MatcherError(f"durable-rules returned a match that could not be read: {exc}") from exc
            try:
                following = _dre.complete_and_start_action(handle, state_handle)
            except Exception as exc:
                raise MatcherError(f"durable-rules failed in complete_and_start_action: {exc}") from exc
            started = (None, following) if following else None
        return matches

    def close(self) -> None:
        if self._opened:
            _call("delete_state", _dre.delete_state, self._handle, self.sid)
