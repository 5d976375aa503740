"""`obligations run SCENARIO --plot FILE`: a timeline picture, PNG or SVG, byte-identical across runs."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from engine import Engine
from engine.outputs.plot import figure, render

ROOT = Path(__file__).resolve().parent.parent
HEADLINE = str(ROOT / "scenarios" / "timbuktu-2018.yaml")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_plot_writes_a_valid_png_and_still_prints_the_table(cli: Callable[..., object], tmp_path: Path) -> None:
    target = tmp_path / "timeline.png"
    result = cli("run", HEADLINE, "--plot", str(target))
    assert result.code == 0, result.err
    assert "37:french-forces:tbk-2018-04-14" in result.out
    data = target.read_bytes()
    assert data.startswith(PNG_SIGNATURE) and len(data) > 10_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["timeline.png"], "no temporary file is left behind"


def test_plot_writes_a_valid_svg_with_a_row_per_finding(cli: Callable[..., object], tmp_path: Path) -> None:
    target = tmp_path / "timeline.svg"
    result = cli("run", HEADLINE, "--json", "--plot", str(target))
    assert result.code == 0 and result.out.startswith("{")
    root = ET.fromstring(target.read_bytes())
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    text = target.read_text(encoding="utf-8")
    for label in ("¶37  37:french-forces:tbk-2018-04-14", "¶47  47:2017-12-29", "tbk-request", "Jan"):
        assert f"<!-- {label} -->" in text


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_the_same_replay_gives_a_byte_identical_picture(suffix: str, cli: Callable[..., object],
                                                        tmp_path: Path) -> None:
    first, second = tmp_path / f"a{suffix}", tmp_path / f"b{suffix}"
    assert cli("run", HEADLINE, "--plot", str(first)).code == 0
    assert cli("run", HEADLINE, "--plot", str(second)).code == 0
    assert first.read_bytes() == second.read_bytes()


def test_svg_output_is_byte_identical_across_processes(tmp_path: Path) -> None:
    outputs = []
    for name in ("one.svg", "two.svg"):
        subprocess.run([sys.executable, "-m", "engine.cli", "run", HEADLINE, "--plot", str(tmp_path / name)],
                       check=True, capture_output=True)
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1]
    assert b"<dc:date>" not in outputs[0]


def test_the_picture_has_one_labelled_row_per_finding_and_an_event_lane(engine: Engine) -> None:
    scenario = engine.load(HEADLINE)
    report = engine.run(scenario)
    fig = figure(report, scenario)
    rows, lane = fig.axes
    labels = [t.get_text() for t in rows.get_yticklabels()]
    assert len(labels) == len(report.findings)
    assert "¶37  37:french-forces:tbk-2018-04-14" in labels
    assert {"threat", "intervention request", "intervention", "report"} <= {t.get_text()
                                                                            for t in lane.get_yticklabels()}
    assert len(render(report, scenario, "png")) > 10_000


@pytest.mark.parametrize("name", ["timeline.pdf", "timeline"])
def test_a_plot_file_that_is_not_png_or_svg_gives_exit_2_before_replaying(name: str, cli: Callable[..., object],
                                                                           tmp_path: Path) -> None:
    result = cli("run", HEADLINE, "--plot", str(tmp_path / name))
    assert result.code == 2 and result.out == ""
    assert result.err == f"{tmp_path / name}: --plot: the picture's file name must end in .png or .svg\n"
    assert list(tmp_path.iterdir()) == []


def test_a_plot_into_a_missing_folder_gives_exit_2(cli: Callable[..., object], tmp_path: Path) -> None:
    result = cli("run", HEADLINE, "--plot", str(tmp_path / "no" / "such.png"))
    assert result.code == 2 and "no such folder" in result.err and result.out == ""
