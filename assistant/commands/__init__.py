"""Each sub-command lives in its own module; this list is the whole CLI."""

from assistant.commands import checklist, devices, grade, model, report, roles, run, stats, takes

COMMANDS = [command for module in (roles, run, grade, takes, checklist, stats, report, model, devices) for command in module.COMMANDS]
