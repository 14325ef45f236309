"""The one short sentence an actor hears after a note: what moved, by how much, and whether that was the note."""

from __future__ import annotations

from assistant.delivery.comparison import Change

#: What each note asks for, up and down, and what is said when nothing moved.
_NOTES = {
    "articulation_rate": ("faster", "slower", "Same pace as before."),
    "loudness": ("louder", "softer", "Same level as before."),
    "pitch_range": ("more range", "less range", "Same pitch range as before."),
    "pauses": ("more pauses", "fewer pauses", "Same pauses as before."),
}


def spoken_verdict(change: Change) -> str:
    """One short sentence for the actor: what moved, by how much, and whether that was the note.

    "Eighteen percent faster. Good." / "Same pace as before. Push it further." /
    "That was three decibels softer. The note was louder."
    """
    up, down, same = _NOTES[change.measure]
    if change.before is None or change.after is None:
        return "I could not hear enough voice to measure that. Once more, please."
    if change.moved == 0:
        return f"{same} {'Try something different.' if change.asked == 0 else 'Push it further.'}"
    movement = _movement_words(change)
    if change.changed:
        return f"{movement[0].upper()}{movement[1:]}. Good."
    return f"That was {movement}. The note was {up if change.asked > 0 else down}."


def _movement_words(change: Change) -> str:
    """'eighteen percent faster', 'three decibels softer', 'two semitones more range', 'one more pause'."""
    from num2words import num2words

    up = change.moved > 0
    if change.measure == "articulation_rate":
        return f"{num2words(round(abs(change.amount) * 100))} percent {'faster' if up else 'slower'}"
    if change.measure == "loudness":
        return f"{_counted(round(abs(change.amount)), 'decibel')} {'louder' if up else 'softer'}"
    if change.measure == "pitch_range":
        return f"{_counted(round(abs(change.amount)), 'semitone')} {'more' if up else 'less'} range"
    if not up and change.after == 0:
        return "no pauses left"
    difference = change.pauses_added if up else change.pauses_lost
    if difference == 0:
        return "longer pauses" if up else "shorter pauses"
    more = "more" if up else "fewer"
    return f"{num2words(difference)} {more} pause{'s' if difference != 1 else ''}"


def _counted(number: int, unit: str) -> str:
    from num2words import num2words

    return f"{num2words(number)} {unit}{'s' if number != 1 else ''}"
