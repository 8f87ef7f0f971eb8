"""Bundled controls: compute."""
