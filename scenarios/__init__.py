"""The bundled scenarios, shipped as package data so that an installed engine (``pip install .``) has them.

Each ``*.yaml`` and ``*.json`` file here is a scenario replayed against Resolution 2364 (2017), stating the findings
it expects; ``obligations coverage`` counts them. In an installed package, their folder is
``importlib.resources.files("scenarios")``. No code lives here.
"""
