"""`callback report -o PATH` writes a page, and only where a page may go: never over the practice history, the
script or anybody's file; over an earlier report of its own, yes."""

from __future__ import annotations

import pytest

from cli_helpers import callback, keep_one_attempt, one_error, two_hander


@pytest.fixture
def practised(tmp_path):
    home = tmp_path / "home"
    script = two_hander(tmp_path)
    keep_one_attempt(home, script)
    return home, script


def report(home, script, output):
    return callback(home, "report", str(script), "--role", "MAYA", "-o", str(output))


@pytest.mark.parametrize("target", ["HISTORY", "SCRIPT", "NOTES", "LINK-TO-HISTORY"])
def test_report_refuses_to_write_over_what_is_not_a_report(practised, tmp_path, target):
    home, script = practised
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes on Maya\n")
    link = tmp_path / "innocent.html"
    link.symlink_to(home / "callback.db")
    output = {"HISTORY": home / "callback.db", "SCRIPT": script, "NOTES": notes, "LINK-TO-HISTORY": link}[target]
    before = {path: path.read_bytes() for path in (home / "callback.db", script, notes)}
    error = one_error(report(home, script, output))
    assert str(output) in error and "refusing" in error
    assert {path: path.read_bytes() for path in before} == before
    assert callback(home, "stats", str(script), "--role", "MAYA").returncode == 0  # the history still reads


def test_report_refuses_a_device(practised):
    home, script = practised
    assert "character device" in one_error(report(home, script, "/dev/full"))


def test_report_writes_over_its_own_earlier_report(practised, tmp_path):
    home, script = practised
    output = tmp_path / "maya.html"
    for _ in range(2):
        result = report(home, script, output)
        assert result.returncode == 0, result.stderr
    page = output.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<meta name="generator" content="callback report">' in page
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no partial file left
