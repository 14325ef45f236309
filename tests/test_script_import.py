"""Script import: every format into one model, and every bad input into one clear line.

Expected values were worked out by reading the fixture files, not copied from parser output.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import assistant.cli
from assistant.errors import CallbackError
from assistant.script import Line, Script, load_script

SCRIPTS = Path(__file__).parent / "scripts"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
BRICK_AND_STEEL = CORPUS / "brick-and-steel.fountain"


def spoken(script: Script) -> str:
    return "\n".join(line.text for line in script.lines)


def line_at(script: Script, source_line: int) -> Line:
    return next(line for line in script.lines if line.source_line == source_line)


# --- the real-world sample -------------------------------------------------------------------


@pytest.fixture(scope="module")
def brick() -> Script:
    if not BRICK_AND_STEEL.exists():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    return load_script(BRICK_AND_STEEL)


def test_sample_roles_in_order_of_first_appearance_with_speech_counts(brick: Script) -> None:
    assert list(brick.roles().items()) == [
        ("STEEL", 9),
        ("BRICK", 4),
        ("JACK", 1),
        ("DAN", 1),
        ("COGNITO", 3),
        ("MINION", 1),
        ("HANDSOME MAN", 1),
    ]


def test_sample_title_page_title_loses_markup_and_line_breaks(brick: Script) -> None:
    assert brick.title == "BRICK & STEEL FULL RETIRED"


def test_sample_parenthetical_is_direction_not_words(brick: Script) -> None:
    toast = line_at(brick, 26)
    assert (toast.speaker, toast.text, toast.direction) == ("STEEL", "To retirement.", "beer raised")
    assert "beer raised" not in spoken(brick)


def test_sample_parentheticals_between_dialogue_lines_join_into_one_speech(brick: Script) -> None:
    call = line_at(brick, 69)
    assert call.text == "They're coming out of the woodwork! No, everybody we've put away! Point Blank Sniper?"
    assert call.direction == "pause / pause"


def test_sample_dual_dialogue_flags_only_the_second_speech(brick: Script) -> None:
    duals = [line for line in brick.lines if line.dual]
    assert [(line.speaker, line.text, line.source_line) for line in duals] == [("BRICK", "Screw retirement.", 44)]
    assert line_at(brick, 41).dual is False


def test_sample_emphasis_markup_is_not_spoken(brick: Script) -> None:
    assert line_at(brick, 53).text == "Did you know Brick and Steel are retired?"
    assert line_at(brick, 57).text == "Then let's retire them. Permanently."
    assert "*" not in spoken(brick) and "_" not in spoken(brick)


def test_sample_scenes_include_forced_headings(brick: Script) -> None:
    assert [scene.heading for scene in brick.scenes] == [
        "EXT. BRICK'S PATIO - DAY",
        "INT. TRAILER HOME - DAY",
        "EXT. BRICK'S POOL - DAY",
        "SNIPER SCOPE POV",
        "OPENING TITLES",
        "EXT. WOODEN SHACK - DAY",
        "INT. GARAGE - DAY",
        "EXT. PALATIAL MANSION - DAY",
    ]
    assert [scene.number for scene in brick.scenes] == list(range(1, 9))
    assert len(brick.scenes[0].lines) == 7


def test_sample_action_transitions_and_centred_text_are_not_dialogue(brick: Script) -> None:
    words = spoken(brick)
    for never_spoken in ("A gorgeous day", "CUT TO", "BURN TO PINK", "THE END", "DICK STEEL IN", "Beer flies"):
        assert never_spoken not in words
    assert "[[" not in words and "/*" not in words


# --- Fountain edge cases -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def lighthouse() -> Script:
    return load_script(SCRIPTS / "edge-cases.fountain")


def test_fountain_extensions_forced_cues_and_case_fold_into_one_character(lighthouse: Script) -> None:
    # MARA (CONT'D), MARA (CONT’D) with a curly apostrophe, JONAS (O.S.)/(V.O.), @McCLANE = MCCLANE.
    assert lighthouse.roles() == {"MARA": 5, "JONAS": 4, "MCCLANE": 2, "DECKHAND #2": 1}


def test_fountain_title_page_with_indented_values_and_emphasis(lighthouse: Script) -> None:
    assert lighthouse.title == "The Lighthouse Keepers"


def test_fountain_source_lines_point_at_cues_even_after_removed_notes(lighthouse: Script) -> None:
    assert [line.source_line for line in lighthouse.lines] == [18, 22, 25, 28, 31, 39, 45, 56, 59, 70, 87, 94]


def test_fountain_parentheticals_own_line_inline_and_several(lighthouse: Script) -> None:
    assert (line_at(lighthouse, 18).text, line_at(lighthouse, 18).direction) == (
        "You let the oil run low again.",
        "without looking up",
    )
    assert (line_at(lighthouse, 28).text, line_at(lighthouse, 28).direction) == ("The gulls, obviously.", "shrugging")
    assert line_at(lighthouse, 70).direction == "to Mara / beat"
    assert "(" not in spoken(lighthouse)


def test_fountain_notes_and_boneyard_are_never_spoken_and_do_not_split_speeches(lighthouse: Script) -> None:
    words = spoken(lighthouse)
    for hidden in ("note", "storm", "two lines", "forty years", "inspector", "try it", "[[", "]]", "/*", "*/"):
        assert hidden not in words
    assert "OLD KEEPER" not in lighthouse.roles()
    # fountain-py alone loses "together." here: a multi-line note inside the first half of dual dialogue.
    assert line_at(lighthouse, 39).text == "Say it together."
    assert line_at(lighthouse, 59).text == (
        "I see someone on the path coming closer. It looks like a stranger. Or a ghost."
    )


def test_fountain_multi_line_note_right_after_first_dialogue_line_keeps_the_cue(tmp_path: Path) -> None:
    # fountain-py alone turns "JO / Ahead. / [[...]] / Behind." into action, losing the speech.
    path = tmp_path / "notes.fountain"
    path.write_text("SAL\nFirst.\n[[one line]]\nSecond.\n\nJO\nAhead.\n[[two\nlines]]\nBehind.\n", encoding="utf-8")
    script = load_script(path)
    assert [(line.speaker, line.text, line.source_line) for line in script.lines] == [
        ("SAL", "First. Second.", 1),
        ("JO", "Ahead. Behind.", 6),
    ]


def test_fountain_dual_dialogue_caret(lighthouse: Script) -> None:
    assert [(line.speaker, line.source_line) for line in lighthouse.lines if line.dual] == [("MARA", 45)]


def test_fountain_emphasis_stripped_from_spoken_text(lighthouse: Script) -> None:
    assert line_at(lighthouse, 31).text == "Very funny."
    assert "*" not in spoken(lighthouse) and "_" not in spoken(lighthouse)


def test_fountain_only_dialogue_is_spoken(lighthouse: Script) -> None:
    words = spoken(lighthouse)
    for not_dialogue in (
        "Act One",  # section
        "argue about the lamp",  # synopsis
        "Wind hammers",  # action
        "SILENCE FALLS",  # forced action
        "mentions JONAS",  # action naming a character
        "CUT TO",  # transition
        "FADE OUT",  # forced transition
        "THE END",  # centred
        "Row, row",  # a lyric on its own is not anyone's speech
        "===",  # page break
    ):
        assert not_dialogue not in words


def test_fountain_lyrics_under_a_cue_are_sung_by_that_character(lighthouse: Script) -> None:
    assert line_at(lighthouse, 70).text == "Let him come. We have tea. Tea for the tired keepers"


def test_fountain_scene_heading_variants(lighthouse: Script) -> None:
    assert [scene.heading for scene in lighthouse.scenes] == [
        "INT. LIGHTHOUSE - NIGHT",
        "EXT. CLIFF PATH - DAWN",
        "I/E. TRUCK - CONTINUOUS",
        "BELOW DECK",
        "EST. HARBOUR - DAY",  # scene number #7# is not part of the heading
        "INT./EXT. FERRY - NIGHT",
    ]


def test_fountain_chosen_by_spmd_extension_and_sniffed_in_txt(tmp_path: Path) -> None:
    text = (SCRIPTS / "fountain-saved-as.txt").read_text(encoding="utf-8")
    (tmp_path / "stairwell.spmd").write_text(text, encoding="utf-8")
    for script in (load_script(tmp_path / "stairwell.spmd"), load_script(SCRIPTS / "fountain-saved-as.txt")):
        assert script.roles() == {"WREN": 1, "OTTO": 1}
        assert [scene.heading for scene in script.scenes] == ["INT. STAIRWELL - NIGHT"]


def test_txt_with_a_heading_but_name_colon_speeches_stays_plain_text(tmp_path: Path) -> None:
    path = tmp_path / "kitchen.txt"
    path.write_text("INT. KITCHEN\n\nANNA: Is it on?\nBEN: Not yet.\n\nNOTES\nread slowly\n", encoding="utf-8")
    assert load_script(path).roles() == {"ANNA": 1, "BEN": 1}


# --- plain text ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bench() -> Script:
    return load_script(SCRIPTS / "edge-cases.txt")


def test_plain_roles_comments_and_title(bench: Script) -> None:
    assert list(bench.roles().items()) == [("ELENA", 3), ("MARCO", 2), ("DR. HAAS", 1)]
    assert bench.title == "Two Chairs"
    assert "commented speech" not in spoken(bench)


def test_plain_parentheticals_on_own_line_and_inline_are_direction(bench: Script) -> None:
    marco = line_at(bench, 7)
    assert (marco.speaker, marco.text, marco.direction) == ("MARCO", "I said I would. Eventually.", "sitting down")
    elena = line_at(bench, 11)
    assert (elena.text, elena.direction) == ("Eventually is a long word. It has four syllables.", "she laughs")


def test_plain_line_with_a_colon_but_no_name_continues_the_speech(bench: Script) -> None:
    assert line_at(bench, 17).text == "One more thing. Remember this: always bring a coat."


def test_plain_cue_alone_on_its_line_and_scenes(bench: Script) -> None:
    goodnight = bench.lines[-1]
    assert (goodnight.source_line, goodnight.text, goodnight.direction) == (21, "Goodnight, Marco.", "quietly")
    assert [(scene.number, scene.heading) for scene in bench.scenes] == [
        (1, "A PARK BENCH, DUSK"),
        (2, "THE SAME BENCH, NIGHT"),
    ]


def test_plain_without_title_or_scenes_uses_file_name_and_one_scene(tmp_path: Path) -> None:
    path = tmp_path / "quick run.txt"
    path.write_text("ELENA: One.\nMARCO: Two.\n", encoding="utf-8")
    script = load_script(path)
    assert (script.title, [scene.heading for scene in script.scenes]) == ("quick run", [""])


def test_plain_encodings_bom_utf16_and_windows_ansi(tmp_path: Path) -> None:
    text = "JOSÉ: Olé, señor.\n"
    for name, data in {
        "bom.txt": text.encode("utf-8-sig"),
        "notepad.txt": text.encode("utf-16"),
        "ansi.txt": text.encode("cp1252"),
    }.items():
        (tmp_path / name).write_bytes(data)
        script = load_script(tmp_path / name)
        assert [(line.speaker, line.text) for line in script.lines] == [("JOSÉ", "Olé, señor.")], name


# --- Final Draft -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bakery() -> Script:
    return load_script(SCRIPTS / "edge-cases.fdx")


def test_fdx_roles_title_and_scenes(bakery: Script) -> None:
    assert list(bakery.roles().items()) == [("ODILE", 2), ("PIP", 2), ("BARKER", 1)]
    assert bakery.title == "The Night Bakers"
    assert [scene.heading for scene in bakery.scenes] == ["INT. BAKERY - EARLY MORNING", "EXT. MARKET SQUARE - DAY"]


def test_fdx_text_runs_concatenate_and_parentheticals_are_direction(bakery: Script) -> None:
    assert (line_at(bakery, 11).text, line_at(bakery, 11).direction) == ("The ovens are cold, Pip.", "not looking up")
    assert (line_at(bakery, 22).text, line_at(bakery, 22).direction) == (
        "Then we light them & hope. Quickly, before the rush.",
        "beat / whispering",
    )
    assert line_at(bakery, 59).text == "Fresh bread, still warm!"


def test_fdx_dual_dialogue_and_source_lines(bakery: Script) -> None:
    assert [(line.speaker, line.source_line, line.dual) for line in bakery.lines] == [
        ("ODILE", 11, False),
        ("PIP", 22, False),
        ("ODILE", 39, False),
        ("PIP", 45, True),
        ("BARKER", 59, False),
    ]


def test_fdx_action_and_header_paragraphs_are_not_dialogue(bakery: Script) -> None:
    assert "BELL" not in spoken(bakery) and "CUT TO" not in spoken(bakery)
    assert "HEADER TEXT" not in bakery.roles()


def test_fdx_content_saved_as_txt_is_still_read_as_final_draft(tmp_path: Path) -> None:
    shutil.copy(SCRIPTS / "edge-cases.fdx", tmp_path / "bakery.txt")
    assert load_script(tmp_path / "bakery.txt").roles() == {"ODILE": 2, "PIP": 2, "BARKER": 1}


# --- problems the user must fix -----------------------------------------------------------------


def test_unknown_role_names_the_real_ones(bakery: Script) -> None:
    with pytest.raises(CallbackError, match="Hamlet.*characters: ODILE, PIP, BARKER"):
        bakery.lines_of("Hamlet")
    assert len(bakery.lines_of("pip")) == 2


BAD_INPUTS: dict[str, tuple[str, bytes | None, str]] = {
    # name: (file name, content or None for no file, expected message fragment)
    "missing": ("nowhere.txt", None, "script not found"),
    "empty": ("empty.txt", b"", "is empty"),
    "blank": ("blank.fountain", b"  \n\n\t\n", "is empty"),
    "binary": ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
    "binary without NULs": ("blob.txt", bytes(range(1, 32)) * 4, "binary"),
    "binary fdx": ("blob.fdx", b"PK\x03\x04\x00\x00\x08\x00", "binary"),
    "no dialogue": ("prose.txt", b"It was a dark and stormy night.\nNobody spoke.\n", "no dialogue"),
    "fountain without dialogue": ("action.fountain", b"INT. HALL - DAY\n\nNobody speaks.\n", "no dialogue"),
    "malformed fdx": ("broken.fdx", b'<FinalDraft><Content><Paragraph Type="Action">', "not valid Final Draft XML"),
    "not final draft": ("page.fdx", b"<html><body>hi</body></html>", "not a Final Draft file"),
    "entity bomb": (
        "bomb.fdx",
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        b"<FinalDraft><Content/></FinalDraft>",
        "not a Final Draft file",
    ),
}


@pytest.mark.parametrize("case", BAD_INPUTS, ids=list(BAD_INPUTS))
def test_bad_input_is_one_clear_callback_error(case: str, tmp_path: Path) -> None:
    name, content, fragment = BAD_INPUTS[case]
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CallbackError, match=fragment) as raised:
        load_script(path)
    assert "\n" not in str(raised.value) and name in str(raised.value)


def test_folder_is_not_a_script(tmp_path: Path) -> None:
    with pytest.raises(CallbackError, match="is a folder"):
        load_script(tmp_path)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs file permissions that bind this user")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("ELENA: Hi.\n", encoding="utf-8")
    path.chmod(0)
    try:
        with pytest.raises(CallbackError, match="cannot read"):
            load_script(path)
    finally:
        path.chmod(0o600)


# --- the command line -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    assistant.cli._register()
    return CliRunner()


def test_cli_roles_json_is_exact(runner: CliRunner) -> None:
    result = runner.invoke(assistant.cli.cli, ["roles", str(SCRIPTS / "edge-cases.fdx"), "--json"])
    assert result.exit_code == 0, result.output
    assert result.output == '[{"name": "ODILE", "lines": 2}, {"name": "PIP", "lines": 2}, {"name": "BARKER", "lines": 1}]\n'
    assert json.loads(result.output)[2] == {"name": "BARKER", "lines": 1}


def test_cli_roles_plain_is_one_character_a_line(runner: CliRunner) -> None:
    result = runner.invoke(assistant.cli.cli, ["roles", str(SCRIPTS / "edge-cases.txt")])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["ELENA     3 lines", "MARCO     2 lines", "DR. HAAS  1 line"]


@pytest.mark.parametrize("case", ["missing", "empty", "binary", "malformed fdx"])
def test_cli_bad_input_exits_nonzero_with_one_line_and_no_traceback(case: str, tmp_path: Path) -> None:
    name, content, fragment = BAD_INPUTS[case]
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "roles", str(path)], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith("callback: ") and fragment in result.stderr
