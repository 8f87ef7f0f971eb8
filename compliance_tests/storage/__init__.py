"""Bundled controls: storage."""
