"""Bundled controls: containers."""
