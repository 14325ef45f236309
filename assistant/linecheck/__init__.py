"""Judging a heard transcript against the expected line: normalise, align, judge.

    from assistant.linecheck import check_line
    verdict = check_line("Beer's ready!", "beer is ready")
    verdict.result, verdict.ok, verdict.score, verdict.correction()

The rules for each strictness are in judge.py's docstring.
"""

from .judge import Issue, Result, Strictness, Verdict, check_line
from .normalise import normalise_words

__all__ = ["Issue", "Result", "Strictness", "Verdict", "check_line", "normalise_words"]
