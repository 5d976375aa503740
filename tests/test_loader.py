"""Rule packs load from the installed package and are checked against the resolution's own words."""

from __future__ import annotations

import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from engine import Engine, RuleError, bundled_packs, load_pack_from

PACK = Path(str(resources.files("rules") / "res2364"))


def copy_pack(tmp_path: Path) -> Path:
    target = tmp_path / "res2364"
    shutil.copytree(PACK, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_bundled_pack_is_found_from_any_directory() -> None:
    code = "from engine import load_pack; p = load_pack(); print(p.manifest.resolution, len(p.paragraphs) > 0)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd="/", check=True)
    assert out.stdout == "2364 (2017) True\n"


def test_the_rules_folder_is_the_one_importlib_resources_gives_without_importing_its_readers() -> None:
    from engine.rulepack.loader import _rules

    assert _rules() == resources.files("rules")
    probe = ("import sys; from engine.rulepack.loader import _rules; _rules(); "
             "print(sorted(m for m in sys.modules if m in ('zipfile', 'importlib.readers', 'importlib.resources')))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parent.parent)
    assert done.stdout.strip() == "[]"


def test_res2364_is_a_bundled_pack() -> None:
    assert "res2364" in bundled_packs()


def test_a_copy_of_the_bundled_pack_loads_from_a_folder(tmp_path: Path) -> None:
    pack = load_pack_from(copy_pack(tmp_path))
    assert pack.paragraph("37").kind == "authorization"


def test_each_paragraph_quotes_the_resolution_verbatim(engine: Engine) -> None:
    from engine.rulepack.pack import normalise_text

    text = normalise_text(engine.pack.resolution_text)
    for paragraph in engine.pack.paragraphs:
        assert normalise_text(paragraph.text) in text, paragraph.id


def test_a_mistyped_quotation_fails_the_load(tmp_path: Path) -> None:
    folder = copy_pack(tmp_path)
    edit(folder / "02-mandate.yaml", "until 30 June 2018;", "until 31 June 2018;")
    with pytest.raises(RuleError, match=r"02-mandate.yaml:\d+: paragraph 15: the text is not the resolution's own"):
        load_pack_from(folder)


def test_a_rule_quoting_words_its_paragraph_does_not_have_fails_the_load(tmp_path: Path) -> None:
    folder = copy_pack(tmp_path)
    edit(folder / "02-mandate.yaml", "says: up to 13,289 military personnel", "says: up to 13,290 military personnel")
    with pytest.raises(RuleError, match="is not a quotation from the paragraph's text"):
        load_pack_from(folder)


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("02-mandate.yaml", "  kind: limit", "  kind: limit\n  colour: red", "unknown key 'colour'"),
        ("02-mandate.yaml", "{gt: {param: military_ceiling}}", "{gt: {param: military_cieling}}",
         "unknown parameter 'military_cieling'"),
        ("04-french-forces.yaml", "to: French forces", "to: Frnch forces", "unknown actor 'Frnch forces'"),
        ("04-french-forces.yaml", "event: intervention_request", "event: intervention_requests",
         "unknown event type 'intervention_requests'"),
        ("04-french-forces.yaml", "window: mandate", "window: mandat", "unknown window 'mandat'"),
        ("01-agreement.yaml", "incident: {same_as: act.incident}", "incident: {same_as: attack.incident}",
         "`same_as` must name an earlier pattern"),
        ("02-mandate.yaml", "military: {gt:", "militar: {gt:", "has no field 'militar'"),
        ("04-french-forces.yaml", "    within: {param: threat_request_window}\n", "",
         "needs `within`"),
        ("11-reports.yaml", "  kind: obligation\n  scope:\n    ends_with: mandate\n    why: >-\n      Reports",
         "  kind: obligations\n  scope:\n    ends_with: mandate\n    why: >-\n      Reports", "kind: Input should be"),
        ("02-mandate.yaml", "value: 13289", "value: 13289\n      value2: 1", "unknown key 'value2'"),
        ("02-mandate.yaml", "    clause: urges\n", "", "this paragraph has clauses; name the one it encodes"),
        ("02-mandate.yaml", "    clause: urges\n", "    clause: urge\n", "no clause 'urge'"),
        ("02-mandate.yaml", "    clause: urges\n", "    clause: requests\n",
         "is not a quotation from clause 'requests'"),
        ("03-capacities.yaml", "    verb: requests\n    force: binding\n    addressees: [secretary-general]\n"
         "    says: \"requests the Secretary-General to take all",
         "    verb: urges\n    force: binding\n    addressees: [secretary-general]\n"
         "    says: \"requests the Secretary-General to take all", "must begin with its verb 'urges'"),
    ],
)
def test_a_broken_rule_file_is_refused_with_its_file_and_line(tmp_path: Path, file: str, old: str, new: str,
                                                              message: str) -> None:
    folder = copy_pack(tmp_path)
    edit(folder / file, old, new)
    with pytest.raises(RuleError) as caught:
        load_pack_from(folder)
    assert message in str(caught.value)
    assert caught.value.path is not None and caught.value.path.endswith(file)
    assert caught.value.line is not None


def test_rule_files_cannot_execute_code(tmp_path: Path) -> None:
    folder = copy_pack(tmp_path)
    edit(folder / "02-mandate.yaml", "section: MINUSMA's mandate",
         "section: !!python/object/apply:os.system ['touch pwned']")
    with pytest.raises(RuleError, match=r"the YAML tag .* is not allowed"):
        load_pack_from(folder)
    assert not Path("pwned").exists()
