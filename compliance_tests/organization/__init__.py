"""Bundled controls: organization."""
