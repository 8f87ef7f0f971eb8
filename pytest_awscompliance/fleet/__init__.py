"""Scanning an organization on an existing engine: shard index from the engine's variable,
one output directory per shard with a manifest, then ``awscompliance merge`` and ``diff``.
See docs/organizations.md."""
