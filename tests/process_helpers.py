"""Running callback in a child process as a person at a terminal would."""

from __future__ import annotations

import signal


def ctrl_c_as_at_a_terminal() -> None:
    """Popen's preexec_fn: Ctrl-C (SIGINT) in the child acts as it does at a terminal.

    A suite started as a background job of a non-interactive shell (`pytest &` in a script) passes SIGINT on
    ignored, and Python then never raises KeyboardInterrupt: the Ctrl-C tests saw the session run to its
    end and exit 0 (seen on a fresh clone whose suite was started that way)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
