"""Bundled controls: network."""
