"""callback: an offline, hands-free rehearsal partner for actors."""

__version__ = "0.1.0"
