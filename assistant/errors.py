"""The one exception type the CLI turns into a one-line message and a non-zero exit."""


class CallbackError(Exception):
    """A problem the user can fix: bad input, a missing model, no audio device.

    The message is shown as is, on one line, so it must say what went wrong and what to do.
    """

    exit_code = 2
