"""Options a hostile but ordinary user may give: out of range, not a number, or contradicting each other.
Each is refused by click before anything is loaded, in one line, with a non-zero exit."""

from __future__ import annotations

import pytest

from cli_helpers import callback, one_error, two_hander


@pytest.mark.parametrize("arguments, option", [
    (["run", "SCRIPT", "--role", "MAYA", "--from", "0"], "--from"),
    (["run", "SCRIPT", "--role", "MAYA", "--to", "0"], "--to"),
    (["run", "SCRIPT", "--role", "MAYA", "--scene", "0"], "--scene"),
    (["run", "SCRIPT", "--role", "MAYA", "--timeout", "nan"], "--timeout"),
    (["run", "SCRIPT", "--role", "MAYA", "--timeout", "inf"], "--timeout"),
    (["run", "SCRIPT", "--role", "MAYA", "--redirect-rate", "nan"], "--redirect-rate"),
    (["run", "SCRIPT", "--role", "MAYA", "--actor", "virtual", "--actor-mistakes", "nan"], "--actor-mistakes"),
    (["run", "SCRIPT", "--role", "MAYA", "--actor", "virtual", "--actor-noise", "nan"], "--actor-noise"),
    (["run", "SCRIPT", "--role", "MAYA", "--actor", "virtual", "--actor-noise", "-inf"], "--actor-noise"),
    (["demo", "--mistakes", "nan"], "--mistakes"),
    (["drill", "SCRIPT", "--role", "MAYA", "--timeout", "nan"], "--timeout"),
    (["checklist", "--timeout", "NaN"], "--timeout"),
    (["ground", "--minutes", "nan"], "--minutes"),
    (["ground", "--actor", "virtual", "--stop-after", "nan"], "--stop-after"),
    (["grade", "take.wav", "--script", "SCRIPT", "--role", "MAYA", "--line", "0"], "--line"),
    (["takes", "SCRIPT", "--role", "MAYA", "--line", "0"], "--line"),
])
def test_a_number_out_of_range_or_not_a_number_is_refused(tmp_path, arguments, option):
    script = two_hander(tmp_path)
    result = callback(tmp_path / "home", *[str(script) if a == "SCRIPT" else a for a in arguments])
    assert option in one_error(result)
    assert not (tmp_path / "home").exists()  # refused before the history was touched


@pytest.mark.parametrize("command", [
    ["grade", "take.wav", "--script", "SCRIPT", "--role", "MAYA"],
    ["run", "SCRIPT", "--role", "MAYA", "--actor", "virtual"],
    ["drill", "SCRIPT", "--role", "MAYA", "--actor", "virtual"],
])
@pytest.mark.parametrize("flags", [["--strict", "--lenient"], ["--lenient", "--strict"]])
def test_strict_and_lenient_together_are_refused(tmp_path, command, flags):
    script = two_hander(tmp_path)
    result = callback(tmp_path / "home", *[str(script) if a == "SCRIPT" else a for a in command], *flags)
    error = one_error(result)
    assert "--strict" in error and "--lenient" in error
