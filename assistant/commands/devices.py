"""`callback devices`: which microphones and speakers PortAudio can see, and which are the defaults."""

from __future__ import annotations

import click

from assistant.audio.devices import DeviceInfo, list_devices


@click.command("devices")
def devices() -> None:
    """List microphones and speakers (* marks the default)."""
    found = list_devices()
    # No devices is a fact about the machine, not a failure: headless rehearsal still works.
    if not found:
        click.echo("no audio devices found (rehearse without them with --actor virtual)")
        return
    for title, kind in (("microphones", "input"), ("speakers", "output")):
        chosen = [device for device in found if (device.inputs if kind == "input" else device.outputs) > 0]
        click.echo(f"{title}:")
        if not chosen:
            click.echo("  (none)")
        for device in chosen:
            click.echo(_line(device, kind))


def _line(device: DeviceInfo, kind: str) -> str:
    default = device.is_default_input if kind == "input" else device.is_default_output
    channels = device.inputs if kind == "input" else device.outputs
    return f"  {'*' if default else ' '} {device.index:>2}  {device.name}  ({channels} ch, {device.default_rate:.0f} Hz)"


COMMANDS = [devices]
