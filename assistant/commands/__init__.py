"""Each sub-command lives in its own module; this list is the whole CLI."""

from assistant.commands import (check, checklist, devices, drill, grade, learn, model, record_cues, report, roles,
                               run, show, stats, takes, voices)

COMMANDS = [
    command
    for module in (roles, show, run, learn, drill, record_cues, grade, takes, check, checklist, stats, report,
                   model, devices, voices)
    for command in module.COMMANDS
]
