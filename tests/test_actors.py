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


@pytest.mark.parametrize(
    ("name", "actor_id"),
    [
        ("Force conjointe du G5 Sahel", "fc-g5s"),
        ("FC-GS5", "fc-g5s"),
        ("FC G5S", "fc-g5s"),
        ("Force Barkhane", "french-forces"),
        ("Forces armées maliennes", "mdsf"),
        ("forces armees maliennes", "mdsf"),
        ("Malian armed forces", "mdsf"),
        ("GSIM", "jnim"),
        ("AQMI", "aqim"),
        ("EIGS", "isgs"),
        ("Islamic State in the Greater Sahara", "isgs"),
        ("Ansar Dine", "ansar-eddine"),
        ("Al-Mourabitoun", "al-mourabitoune"),
        ("Iyad Ag Ghaly", "iyad-ag-ghali"),
        ("Blue Helmets", "minusma-peacekeepers"),
        ("UN peacekeepers", "minusma-peacekeepers"),
        ("HCUA", "hcua"),
        ("MAA-CMA", "maa-cma"),
        ("MAA Plateforme", "maa-plateforme"),
        ("Tchad", "chad"),
        ("Burkina-Faso", "burkina-faso"),
        ("Cote d'Ivoire", "cote-d-ivoire"),
    ],
)
def test_the_names_analysts_and_the_press_use_resolve_in_english_and_french(engine: Engine, name: str,
                                                                             actor_id: str) -> None:
    assert engine.pack.actors.resolve(name) == actor_id


def test_an_unknown_name_is_still_refused_with_a_suggestion_after_separators_are_ignored(engine: Engine) -> None:
    with pytest.raises(ValueError, match=r"unknown actor 'Ansar-Edine'; did you mean 'Ansar Eddine'"):
        engine.pack.actors.resolve("Ansar-Edine")


@pytest.mark.parametrize("element", ["minusma-peacekeepers", "minusma-contingent"])
def test_peacekeepers_and_contingents_are_elements_of_minusma(engine: Engine, element: str) -> None:
    actors = engine.pack.actors
    assert element in actors.members("minusma")
    assert element in actors.members("international-presence") and element in actors.members("un-personnel")


def test_united_nations_personnel_outside_minusma_are_not_elements_of_minusma(engine: Engine) -> None:
    assert "un-personnel" not in engine.pack.actors.members("minusma")


@pytest.mark.parametrize(
    ("coalition", "members"),
    [
        ("coordination", {"mnla", "hcua", "maa-cma", "cpa"}),
        ("plateforme", {"gatia", "maa-plateforme", "cmfpr", "msa"}),
        ("jnim", {"ansar-eddine", "al-mourabitoune", "aqim-sahara", "katiba-macina", "iyad-ag-ghali"}),
    ],
)
def test_coalitions_list_the_members_the_record_names(engine: Engine, coalition: str, members: set[str]) -> None:
    assert members <= set(engine.pack.actors.members(coalition))
