"""The ``obligations`` command: argument parsing and dispatch to the stages, one module per group of commands."""

from .main import main

__all__ = ["main"]
