"""The exceptions the CLI turns into a one-line message and a non-zero exit."""


class CallbackError(Exception):
    """A problem the user can fix: bad input, a missing model, no audio device.

    The message is shown as is, on one line, so it must say what went wrong and what to do. `code` is the
    error code a session's `session_end` event carries when this error ends it.
    """

    exit_code = 2
    code = "other"


class DeviceError(CallbackError):
    """A microphone or speaker missing, refused, or lost mid-session."""

    code = "device"


class HistoryError(CallbackError):
    """The practice history cannot be opened or written."""

    code = "history"
