"""Bundled controls: identity."""
