"""pytest collection: parametrization, fixtures, items, outcomes, scheduling, run state."""
