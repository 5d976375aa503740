"""The plain readings of the rule format answer for real and light instances alike, as the models' own methods do,
without pydantic."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from engine.light import light, lightened
from engine.rulepack.plain import Force, describe, duration_fields, is_duration, is_param, reading
from engine.rulepack.rulebook import Duration, Paragraph, ParamRef


def test_a_parameter_reference_and_a_duration_are_known_real_or_light() -> None:
    ref = ParamRef.model_validate({"param": "mandate_end"})
    week = Duration.model_validate({"weeks": 1})
    for value in (ref, light(ref)):
        assert is_param(value) and not is_duration(value)
    for value in (week, light(week)):
        assert is_duration(value) and not is_param(value)
    assert not is_param("mandate_end") and not is_duration({"weeks": 1})


def test_a_duration_reads_as_its_model_describes_and_dumps_it() -> None:
    for given in ({"days": 1}, {"days": 30}, {"weeks": 2}, {"months": 1}, {"months": 3}):
        duration = Duration.model_validate(given)
        assert describe(light(duration)) == describe(duration) == duration.describe()
        assert duration_fields(light(duration)) == duration.model_dump(exclude_none=True) == given
    assert describe(Duration.model_validate({"months": 3})) == "3 months"


def test_a_paragraph_reads_with_its_clause_s_verb_and_force_or_its_own() -> None:
    paragraph = Paragraph.model_validate({
        "id": "14", "text": "Requests the Secretary-General to report and urges Member States to help",
        "verb": "Requests", "force": "binding", "kind": "obligation", "not_engaged": "nothing here is engaged",
        "clauses": [{"id": "help", "verb": "urges", "force": "exhorting",
                     "says": "urges Member States to help"}]})
    made = lightened(paragraph)
    for value in (paragraph, made):
        assert reading(value, "help") == ("urges", Force.EXHORTING) == paragraph.reading("help")
        assert reading(value, None) == ("Requests", Force.BINDING) == paragraph.reading(None)


def test_the_plain_readings_the_pack_s_modules_and_the_replay_s_import_no_pydantic() -> None:
    replay = sorted(path.stem for path in (Path(__file__).parent.parent / "engine" / "replay").glob("*.py"))
    assert {"runtime", "effects", "state", "asof"} <= set(replay)
    modules = ["engine.rulepack.plain", "engine.rulepack.pack", "engine.rulepack.compiler", "engine.rulepack.cache",
               "engine.rulepack.loader", *(f"engine.replay.{name}" for name in replay)]
    code = (f"import sys, importlib; [importlib.import_module(m) for m in {modules!r}]; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'pydantic_core') "
            "or m == 'engine.rulepack.rulebook'))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True, text=True)
    assert done.stdout.strip() == "[]"
