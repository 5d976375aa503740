# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # What if? Resolution 2364 (2017) around the attack on Timbuktu
#
# This notebook replays the headline scenario, `scenarios/timbuktu-2018.yaml` — a year of MINUSMA's mandate
# around the attack on Timbuktu of 14 April 2018 — then applies two variants to it, like reforms applied to a
# baseline, and shows what changes:
#
# 1. **No request.** What if the Secretary-General had not requested the French forces' support during the
#    attack? (`scenarios/timbuktu-2018-no-request.yaml`, which `extends` the baseline and `remove`s one event.)
# 2. **A late request.** What if the request, and the intervention after it, had come four days after the
#    threat? That variant is written here, in the notebook, with `shift`.
#
# For each: the differences in findings (`obligations diff`), the timeline (`obligations run --plot`), and,
# where a finding disappeared, why it did not arise (`obligations explain --why-not`).
#
# Open it with `.venv/bin/jupytext --to ipynb notebooks/what_if.py` and Jupyter (the `.ipynb` is yours: git
# ignores it and the tests do not mind it), or run it as a script: `.venv/bin/python notebooks/what_if.py`, which
# writes the pictures to `what-if-pictures/` in the current folder (or the folder `WHAT_IF_PICTURES` names) and
# prints where. It uses only the engine's public API: the names importable from `engine`.

# %%
import os
from pathlib import Path

import engine
from engine import (
    Engine,
    diff_reports,
    render_diff,
    render_diff_plot,
    render_plot,
    render_table,
    replayed,
    why,
    why_not,
)

SCENARIOS = Path(engine.__file__).resolve().parents[1] / "scenarios"
obligations = Engine()


def _in_a_notebook():
    """Whether a Jupyter kernel runs this (pictures inline), rather than a plain script (pictures as files)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def show(png, name):
    """A PNG picture: inline in a notebook; as a script, written to the pictures folder, with its path printed."""
    if _in_a_notebook():
        from IPython.display import Image, display

        display(Image(data=png))
        return
    folder = Path(os.environ.get("WHAT_IF_PICTURES", "what-if-pictures"))
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{name}.png"
    target.write_bytes(png)
    print(f"picture: {target}")


def timeline(scenario, report, name):
    """The replay's timeline."""
    show(render_plot(report, scenario, "png"), name)


# %% [markdown]
# ## The baseline

# %%
base = obligations.load(SCENARIOS / "timbuktu-2018.yaml")
base_report = obligations.run(base)
print(render_table(base_report).split("\nWhy:")[0])

# %%
timeline(base, base_report, "baseline")

# %% [markdown]
# Why was the French forces' intervention authorized? The chain from paragraph 37's words to the events:

# %%
baseline = replayed(obligations, base)
print(why(baseline, "37:french-forces:tbk-2018-04-14").render())

# %% [markdown]
# ## Variant 1: the Secretary-General makes no request
#
# The variant file only says what changes:

# %%
print((SCENARIOS / "timbuktu-2018-no-request.yaml").read_text(encoding="utf-8"))

# %%
no_request = obligations.load(SCENARIOS / "timbuktu-2018-no-request.yaml")
no_request_report = obligations.run(no_request)
first = diff_reports(base_report, no_request_report, base_path="timbuktu-2018.yaml",
                     variant_path="timbuktu-2018-no-request.yaml")
print(render_diff(first))
assert "37:french-forces:tbk-2018-04-14" in {d.finding.id for d in first.of("disappeared")}
assert "37:not-covered:tbk-intervention" in {d.finding.id for d in first.of("appeared")}

# %%
timeline(no_request, no_request_report, "no-request")

# %% [markdown]
# Both replays on one time axis: the base in the upper half of each row, the variant in the lower half, the
# rows that differ shaded and marked (`obligations diff BASE VARIANT --plot FILE`):

# %%
show(render_diff_plot(first, base, no_request, "png"), "baseline-vs-no-request")

# %% [markdown]
# Why did paragraph 37 not authorize the intervention this time?

# %%
answer = why_not(replayed(obligations, no_request), "37", incident="tbk-2018-04-14")
print(answer.render())

# %% [markdown]
# ## Variant 2: the request comes four days after the threat
#
# Written inline: `extends` is read relative to the path the text is given, here the scenarios folder.

# %%
LATE_REQUEST = """
name: If the request and the intervention had come four days after the threat, paragraph 37 would not cover it.
extends: timbuktu-2018.yaml
shift:
  tbk-request: {days: 4}
  tbk-intervention: {days: 4}
"""
late = obligations.parse(LATE_REQUEST, path=str(SCENARIOS / "what-if-late-request.yaml"))
late_report = obligations.run(late)
second = diff_reports(base_report, late_report, base_path="timbuktu-2018.yaml", variant_path="inline")
print(render_diff(second))

# %%
timeline(late, late_report, "late-request")

# %% [markdown]
# The threat and the request are joined only when they are at most three days apart — an interpretation, the
# assumption `threat_request_window`, which a scenario or `--assume` can change:

# %%
answer = why_not(replayed(obligations, late), "37/grant", incident="tbk-2018-04-14")
print(answer.render())
assert any("only within 3 days (assumption threat_request_window)" in reason for reason in answer.reasons)

# %%
wider = replayed(obligations, late, assume={"threat_request_window": {"days": 7}})
print([f"{f.id} ({f.status})" for f in wider.report.findings if f.paragraph == "37"])

# %% [markdown]
# ## How often? A small sweep
#
# A variant answers "what if"; a sweep answers "how often": it replays many samples of the baseline, each changed
# at random — here the request comes in about half of them and the March report moves by up to five days either
# way — and counts how often each finding arises (see `docs/sweeps.md`; `obligations sweep` does the same on every
# core). Forty samples in this process are enough to see the shape; the intervals say how little forty can tell.

# %%
SMALL_SWEEP = {
    "name": "How often is the strike covered and the March report on time, if the request may not come?",
    "base": "timbuktu-2018.yaml",
    "samples": 40,
    "seed": 2364,
    "vary": [
        {"remove": {"event": "tbk-request", "probability": 0.5}},
        {"shift": {"event": "q3", "days": {"uniform": [-5, 5]}}},
    ],
}
shares = obligations.sweep(SMALL_SWEEP, root=SCENARIOS, workers=1)
print(shares.render())
assert 0.2 < shares.share("37:french-forces:tbk-2018-04-14") < 0.8
assert shares.share("37:french-forces:tbk-2018-04-14") + shares.share("37:not-covered:tbk-intervention") == 1.0
