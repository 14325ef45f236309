"""Rehearsal sessions (run, drill, checklist) as small state machines that emit one stream of events."""
