"""`callback stats`: what the practice history says, per line of a role, weakest first; or, without a script,
which scripts and roles have been practised at all."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import click

from assistant.errors import CallbackError

#: Columns of the per-line table wider than this are cut with an ellipsis.
TEXT_WIDTH = 44
#: How many of a line's most dropped words the table names.
DROPPED_SHOWN = 3


@dataclass(frozen=True)
class RoleHistory:
    """A role in a script as it is now, with every attempt kept at it (oldest first)."""

    script_path: Path
    title: str
    role: str
    texts: tuple[str, ...]  # the role's lines now, in order
    attempts: tuple  # AttemptRecord, ...
    cues: tuple = ()  # priorities.Cue or None, one per line: the other character's speech that leads into it


def history_store():
    """The history file, or None when callback has never kept one (reading must not create it); a one-line error
    when the data folder cannot exist."""
    from assistant.history.database import Store

    return Store().kept()


def load_role_history(script_path: str | Path, role: str | None) -> RoleHistory:
    """The role's lines and attempts. Without `role`, the one role of the script that has practice kept.

    One-line CallbackErrors for a missing or unreadable script, an unknown role, or (without `role`) no
    practice or practice for several roles. A known role with no attempts is returned with none: the caller
    decides whether that is an error.
    """
    from assistant.history.recorder import ScriptIdentity
    from assistant.script import canonical_name, load_script

    script_path = Path(script_path)
    script = load_script(script_path)  # one-line errors for a missing, empty or binary file
    identity = ScriptIdentity.of_file(script_path)
    store = history_store()
    # By hash or by path: a script edited since its last session keeps its history at the same path.
    attempts = store.attempts(script_hash=identity.content_hash, script_path=identity.path) if store else []
    if role is None:
        role = _only_role_practised(script_path, script.roles(), attempts)
    lines = script.lines_of(role)  # one-line error naming the characters when the role is unknown
    role = canonical_name(role)
    return RoleHistory(
        script_path=script_path,
        title=script.title,
        role=role,
        texts=tuple(line.text for line in lines),
        attempts=tuple(a for a in attempts if a.role == role),
        cues=cues_of(script.lines, role),
    )


def cues_of(lines, role: str) -> tuple:
    """For each of the role's speeches, the nearest speech before it by another character (None at the top)."""
    from assistant.history.priorities import Cue

    cues, last = [], None
    for line in lines:
        if line.speaker == role:
            cues.append(last)
        else:
            last = Cue(line.speaker, line.text)
    return tuple(cues)


def _only_role_practised(script_path: Path, roles: dict[str, int], attempts) -> str:
    practised = list(dict.fromkeys(a.role for a in attempts if a.role in roles))
    if len(practised) == 1:
        return practised[0]
    if not practised:
        raise CallbackError(f"no practice kept yet for {script_path}; run `callback run {script_path} --role ROLE` "
                            "first (characters: " + ", ".join(roles) + ")")
    raise CallbackError(f"{script_path} has practice kept for {', '.join(practised)}; choose one with --role")


def require_practice(history: RoleHistory) -> None:
    if not history.attempts:
        raise CallbackError(f"no practice kept yet for {history.role} in {history.script_path}; "
                            f"run `callback run {history.script_path} --role {history.role}` first")


@click.command()
@click.argument("script", required=False, type=click.Path(path_type=Path))
@click.option("--role", default=None, help="The character you play (needed when you practised several).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def stats(script: Path | None, role: str | None, as_json: bool) -> None:
    """How your practice of SCRIPT has gone, line by line, weakest first.

    Per line: attempts, how many were right, how many of those only after the line was given, the calls for
    "line", in how many rehearsals it was right the first time unaided, the trend across sessions (improving,
    slipping, steady, or new after one session), the median pickup (seconds from the cue's end to your first
    word) and its trend (quicker, slower, steady, new) and the words most often dropped. Drills and gradings count
    their attempts but are not rehearsals.

    Without SCRIPT: every script and role practised, with rehearsals, drills, attempts and the share right.
    """
    if script is None:
        if role is not None:
            raise CallbackError("--role needs a SCRIPT: callback stats SCRIPT --role ROLE")
        _print_overview(as_json)
        return
    from assistant.history.practice import line_stats, weakest_first

    history = load_role_history(script, role)
    require_practice(history)
    ordered = weakest_first(line_stats(history.texts, history.attempts))
    if as_json:
        click.echo(json.dumps([line.to_dict() for line in ordered], ensure_ascii=False, indent=1))
        return
    click.echo(_headline(history, ordered))
    click.echo(_line_table(ordered))


def _print_overview(as_json: bool) -> None:
    from assistant.history.practice import overview

    store = history_store()
    summaries = overview(store.attempts()) if store else []
    if as_json:
        click.echo(json.dumps([
            {"script": s.script_path, "role": s.role, "sessions": s.sessions, "drills": s.drills,
             "attempts": s.attempts, "right": s.right, "prompted": s.prompted, "line_calls": s.line_calls,
             "share_right": round(s.share_right, 3), "last_practised": s.last_practised}
            for s in summaries
        ], ensure_ascii=False, indent=1))
        return
    if not summaries:
        where = store.path if store else "the history"
        click.echo(f"no practice kept yet in {where}; run `callback run SCRIPT --role ROLE` (or `callback demo`) first")
        return
    rows = [("script", "role", "rehearsals", "drills", "attempts", "right", "prompted", "calls for line",
             "last practised")]
    rows += [(s.script_path or "(no script)", s.role, str(s.sessions), str(s.drills), str(s.attempts),
              f"{s.share_right:.0%}", str(s.prompted), str(s.line_calls), s.last_practised[:10]) for s in summaries]
    click.echo(_table(rows, right_aligned={2, 3, 4, 5, 6, 7}))


def _headline(history: RoleHistory, ordered) -> str:
    from assistant.history.practice import is_rehearsal

    attempts = sum(s.attempts for s in ordered)
    right = sum(s.right for s in ordered)
    prompted = sum(s.prompted for s in ordered)
    calls = sum(s.line_calls for s in ordered)
    tried = sum(1 for s in ordered if s.attempts)
    rehearsals = len({a.session_id for a in history.attempts if is_rehearsal(a.session_kind)})
    others = len({a.session_id for a in history.attempts if not is_rehearsal(a.session_kind)})
    share = f" ({right / attempts:.0%})" if attempts else ""
    also = f" and {_plural(others, 'drill or grading', 'drills or gradings')}" if others else ""
    helped = f", {prompted} of them only after a prompt" if prompted else ""
    return (f"{history.role} in {history.title}: {tried} of {len(ordered)} lines tried over "
            f"{_plural(rehearsals, 'rehearsal')}{also}, {right} of {_plural(attempts, 'attempt')} right{share}"
            f"{helped}; {_plural(calls, 'call')} for the line; weakest first")


def _line_table(ordered) -> str:
    rows = [("line", "right", "word perfect", "prompted", "calls", "first time", "trend", "pickup", "pickup trend",
             "dropped most", "text")]
    for s in ordered:
        if s.attempts == 0:
            rows.append((str(s.line), "-", "-", "-", "-", "-", "not tried", "-", "", "", _cut(s.text)))
            continue
        dropped = ", ".join(f"{word} ×{times}" if times > 1 else word for word, times in s.dropped[:DROPPED_SHOWN])
        rows.append((str(s.line), f"{s.right} of {s.attempts}", f"{s.word_perfect} of {s.attempts}",
                     str(s.prompted), str(s.line_calls), f"{s.first_time_right} of {s.sessions}",
                     s.trend, f"{s.median_pickup:.2f} s" if s.median_pickup is not None else "-",
                     s.pickup_trend if s.median_pickup is not None else "", dropped, _cut(s.text)))
    return _table(rows, right_aligned={0})


def _table(rows, right_aligned=frozenset()) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    out = []
    for row in rows:
        cells = [cell.rjust(w) if i in right_aligned else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths))]
        out.append("  ".join(cells).rstrip())
    return "\n".join(out)


def _cut(text: str, width: int = TEXT_WIDTH) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {words or word + 's'}"


COMMANDS = [stats]
