"""Each sub-command lives in its own module; this list is the whole CLI."""

from assistant.commands import checklist, devices, grade, model, roles, run

COMMANDS = [command for module in (roles, run, grade, checklist, model, devices) for command in module.COMMANDS]
