"""Judging a heard transcript against the expected line: normalise, align, judge."""
