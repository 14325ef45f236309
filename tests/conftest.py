"""Every test, and every callback it starts, keeps its practice history in a folder of its own: never in the
developer's data folder, never shared between tests."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _own_history(tmp_path, monkeypatch):
    monkeypatch.setenv("CALLBACK_HOME", str(tmp_path / "callback-home"))
