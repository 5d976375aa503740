"""The exercise server."""
