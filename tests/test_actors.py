"""Actors are named as the resolution names them, in any case, or by alias or id."""

from __future__ import annotations

import pytest

from engine import Engine


@pytest.mark.parametrize(
    ("name", "actor_id"),
    [
        ("Secretary-General", "secretary-general"),
        ("secretary-general", "secretary-general"),
        ("SECRETARY GENERAL", "secretary-general"),
        ("French forces", "french-forces"),
        ("MINUSMA", "minusma"),
        ("plateforme", "plateforme"),
        ("Coordination des Mouvements de l'Azawad", "coordination"),
        ("Coordination des Mouvements de l\u2019Azawad", "coordination"),
        ("CMA", "coordination"),
        ("Government of Mali", "government-of-mali"),
        ("GATIA", "gatia"),
    ],
)
def test_a_name_the_resolution_uses_resolves_to_its_actor(engine: Engine, name: str, actor_id: str) -> None:
    assert engine.pack.actors.resolve(name) == actor_id


def test_an_unknown_actor_is_refused_with_the_nearest_name(engine: Engine) -> None:
    with pytest.raises(ValueError, match=r"unknown actor 'Platforme'; did you mean 'Plateforme'"):
        engine.pack.actors.resolve("Platforme")


def test_gatia_is_a_member_of_the_plateforme(engine: Engine) -> None:
    assert "gatia" in engine.pack.actors.members("plateforme")
    assert "plateforme" in engine.pack.actors.ancestors("gatia")


def test_the_international_presences_of_paragraph_4_are_those_the_registry_tags(engine: Engine) -> None:
    members = engine.pack.actors.members("international-presence")
    assert {"minusma", "french-forces", "eutm-mali"} <= set(members)
    assert "mdsf" not in members and "plateforme" not in members
