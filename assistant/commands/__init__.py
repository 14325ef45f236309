"""Each sub-command lives in its own module; this list is the whole CLI."""

import importlib

_MODULES = ["roles", "grade", "model", "run", "devices", "checklist"]


def _load():
    commands = []
    for name in _MODULES:
        try:
            module = importlib.import_module(f"assistant.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"assistant.commands.{name}":
                raise
            continue
        commands.extend(module.COMMANDS)
    return commands


COMMANDS = _load()
