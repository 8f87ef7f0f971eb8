"""Reaching AWS: targets, guarded sessions, clients, the read-only guard, log redaction."""
