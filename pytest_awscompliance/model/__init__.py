"""Plain data every layer shares: errors, severity levels, resources, control metadata."""
