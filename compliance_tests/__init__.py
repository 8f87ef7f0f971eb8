"""Bundled AWS controls: run with ``pytest --pyargs compliance_tests``."""
