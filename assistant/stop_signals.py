"""SIGTERM and SIGHUP end callback the way Ctrl-C does.

Python turns only SIGINT into KeyboardInterrupt; SIGTERM (`kill`, a service manager, a shutdown) and SIGHUP (the
terminal window closed) killed callback outright: no `session_end`, no outcome in the history, no summary, and
`checklist --last` then called the killed session finished. Raised as KeyboardInterrupt in the main thread,
they go the one way Ctrl-C already goes (session/runtime.py's run_session): the session ends "interrupted"
with its result so far, and nothing judged is lost.

A second signal while callback is ending does what the signal does by default, so a stuck process can still
be ended with a second `kill`.
"""

from __future__ import annotations

import os
import signal

HANDLED = (signal.SIGTERM, signal.SIGHUP)
_received: list[int] = []


def install() -> None:
    """Handle SIGTERM and SIGHUP from now on (call from the main thread, as the CLI does)."""
    for number in HANDLED:
        signal.signal(number, _stop)


def _stop(number: int, frame) -> None:
    if _received:
        signal.signal(number, signal.SIG_DFL)
        os.kill(os.getpid(), number)
        return
    _received.append(number)
    raise KeyboardInterrupt


def received() -> int | None:
    """The signal that stopped callback, if one did (None for Ctrl-C or no stop at all)."""
    return _received[0] if _received else None


def exit_code() -> int:
    """128 + the signal's number, as a shell reports a process a signal ended: 130 for Ctrl-C, 143 for SIGTERM,
    129 for SIGHUP."""
    return 128 + (received() or signal.SIGINT)


def stopped_message() -> str:
    number = received()
    return "stopped" if number is None else f"stopped ({signal.Signals(number).name})"
