"""Bundled controls: logging."""
