"""PDF import: typeset by real screenplay programs, watermarked, split across pages, scanned, and broken.

Every PDF here is made by a typesetter no one here wrote (afterwriting, screenplain) from a Fountain file in
tests/scripts/, and read back through `callback show --json` exactly as a user would run it. The expected
reading is callback's own reading of the Fountain source; where the typesetter itself prints something
different from the source (how it treats notes and boneyard), the test says so and expects what it prints.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from rapidfuzz import fuzz

import assistant.cli
from assistant.errors import CallbackError
from assistant.script import load_script
from pdf_helpers import (
    AFTERWRITING_EVERYTHING,
    pages_of,
    afterwriting_missing,
    afterwriting_pdf,
    scanned,
    screenplain_missing,
    screenplain_pdf,
    show_json,
    speeches,
    watermarked,
)

SCRIPTS = Path(__file__).parent / "scripts"
SIDES = SCRIPTS / "pdf-sides.fountain"  # three scenes, a speech long enough to split, dual dialogue
BRICK = SCRIPTS / "brick-and-steel.fountain"  # the Fountain format's own sample, from shared/corpus
EDGES = SCRIPTS / "edge-cases.fountain"

needs_afterwriting = pytest.mark.skipif(afterwriting_missing() is not None, reason=str(afterwriting_missing()))
needs_screenplain = pytest.mark.skipif(screenplain_missing() is not None, reason=str(screenplain_missing()))
needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract-ocr is not installed")


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pdfs")


def typeset(typesetter: str, fountain: Path, folder: Path) -> Path:
    out = folder / f"{fountain.stem}.{typesetter}.pdf"
    if out.exists():
        return out
    if typesetter == "afterwriting":
        return afterwriting_pdf(fountain, out)
    if typesetter == "afterwriting-everything":
        return afterwriting_pdf(fountain, out, AFTERWRITING_EVERYTHING)
    return screenplain_pdf(fountain, out)


TYPESETTERS = [
    pytest.param("afterwriting", marks=needs_afterwriting),
    pytest.param("afterwriting-everything", marks=needs_afterwriting),
    pytest.param("screenplain", marks=needs_screenplain),
]


def page_text(pdf: Path) -> str:
    document = pdfium.PdfDocument(pdf)
    try:
        return "\n".join(document[index].get_textpage().get_text_range() for index in range(len(document)))
    finally:
        document.close()


# --- typeset PDFs read like their source --------------------------------------------------------------


@pytest.mark.parametrize("typesetter", TYPESETTERS)
@pytest.mark.parametrize("fountain", [SIDES, BRICK], ids=["sides", "brick-and-steel"])
def test_typeset_pdf_shows_exactly_what_its_fountain_source_shows(typesetter: str, fountain: Path, pdfs: Path) -> None:
    pdf = typeset(typesetter, fountain, pdfs)
    assert show_json(pdf) == show_json(fountain)  # title, scene headings, speakers, words, directions, dual


# What each typesetter prints differently from callback's reading of edge-cases.fountain: callback cuts a
# multi-line [[note]] and /* boneyard */ out of a speech and joins what is around it, while the typesetters
# end the speech there (afterwriting prints the rest as action; screenplain keeps it in the dialogue column
# after a blank line, which callback reads as the same speech). screenplain also prints the "~" of a lyric.
EDGE_CASES_AS_PRINTED = {
    "afterwriting": {
        ("JONAS", "Say it together."): ("JONAS", "Say it"),
        ("MARA", "I see someone on the path coming closer. It looks like a stranger. Or a ghost."): (
            "MARA", "I see someone on the path coming closer."),
    },
    "screenplain": {
        ("JONAS", "Say it together."): ("JONAS", "Say it"),
        ("MARA", "I see someone on the path coming closer. It looks like a stranger. Or a ghost."): (
            "MARA", "I see someone on the path coming closer. It looks like a stranger."),
        ("JONAS", "Let him come. We have tea. Tea for the tired keepers"): (
            "JONAS", "Let him come. We have tea. ~Tea for the tired keepers"),
    },
}


@pytest.mark.parametrize("typesetter", [pytest.param("afterwriting", marks=needs_afterwriting),
                                        pytest.param("screenplain", marks=needs_screenplain)])
def test_edge_cases_pdf_reads_as_the_typesetter_printed_it(typesetter: str, pdfs: Path) -> None:
    source = show_json(EDGES)
    changed = EDGE_CASES_AS_PRINTED[typesetter]
    expected = [changed.get(speech, speech) for speech in speeches(source)]
    shown = show_json(typeset(typesetter, EDGES, pdfs))
    assert speeches(shown) == expected
    assert [scene["heading"] for scene in shown["scenes"]] == [scene["heading"] for scene in source["scenes"]]


# --- what real exports carry: page furniture, split speeches, dual dialogue ------------------------------


@needs_afterwriting
def test_speech_split_across_a_page_break_is_one_speech(pdfs: Path) -> None:
    pdf = typeset("afterwriting-everything", SIDES, pdfs)
    printed = page_text(pdf)
    assert "(MORE)" in printed and "MARCUS (CONT'D)" in printed  # the page break really splits the speech
    script = load_script(pdf)
    long_speech = next(line for line in script.lines if line.text.startswith("There is nowhere else"))
    assert long_speech.speaker == "MARCUS"
    assert long_speech.text.endswith("So yes. I could possibly know that. Also, your name is on the suitcase.")
    assert "MORE" not in long_speech.text and long_speech.direction == "beat"
    assert long_speech.source_line == 4  # the page its cue is printed on: PDF page 4
    assert "(MORE)" not in json.dumps(show_json(pdf))


@needs_afterwriting
def test_scene_numbers_headers_footers_and_continued_are_not_read(pdfs: Path) -> None:
    pdf = typeset("afterwriting-everything", SIDES, pdfs)
    printed = page_text(pdf)
    for furniture in ("AUDITION SIDES - CONFIDENTIAL", "Blue revision", "CONTINUED:", "(CONTINUED)", "3."):
        assert furniture in printed
    assert "1\r\nINT. FERRY TERMINAL" in printed or "1 INT. FERRY TERMINAL" in printed.replace("\r\n", " ")
    shown = show_json(pdf)
    assert [scene["heading"] for scene in shown["scenes"]] == [
        "INT. FERRY TERMINAL - NIGHT", "EXT. FERRY DECK - CONTINUOUS", "EXT. ISLAND PIER - LATER"]
    text = json.dumps(shown)
    assert "CONFIDENTIAL" not in text and "revision" not in text and "CONTINUED" not in text


@needs_afterwriting
def test_dual_dialogue_becomes_two_speeches_left_then_right(pdfs: Path) -> None:
    script = load_script(typeset("afterwriting", SIDES, pdfs))
    last_two = [(line.speaker, line.text, line.dual) for line in script.scenes[1].lines[-2:]]
    assert last_two == [("ELENA", "Then you can carry it off again.", False),
                        ("MARCUS", "Then I can carry it off again.", True)]


@needs_afterwriting
def test_afterwritings_own_watermark_is_not_read(pdfs: Path) -> None:
    pdf = typeset("afterwriting-everything", SIDES, pdfs)
    assert "JANE ACTOR" in page_text(pdf)  # rotated, 119 pt, #eeeeee across every page
    assert "JANE" not in json.dumps(show_json(pdf))


@needs_screenplain
def test_a_diagonal_watermark_laid_over_every_page_is_not_read(pdfs: Path) -> None:
    pdf = watermarked(typeset("screenplain", SIDES, pdfs), pdfs / "sides.watermarked.pdf")
    assert "JANE ACTOR - CONFIDENTIAL" in page_text(pdf)
    assert show_json(pdf) == show_json(SIDES)


# --- scans ------------------------------------------------------------------------------------------------


@needs_tesseract
@needs_afterwriting
def test_a_tilted_blurred_scan_reads_like_the_typeset_pages(pdfs: Path) -> None:
    typeset_pdf = typeset("afterwriting", SIDES, pdfs)
    pages = slice(1, 3)  # the first two script pages: OCR is about 2 s a page here
    scan = scanned(typeset_pdf, pdfs / "sides.scan.pdf", pages, dpi=200, tilt=1.0, blur=0.8)
    assert page_text(scan).strip() == ""  # image only: no text layer to fall back on
    reference = speeches(show_json(pages_of(typeset_pdf, pages, pdfs / "sides.pages.pdf")))

    result = subprocess.run([sys.executable, "-m", "assistant", "show", "--json", str(scan)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    read = speeches(json.loads(result.stdout))
    assert [speaker for speaker, _ in read] == [speaker for speaker, _ in reference]
    for (_, ocr_text), (_, text) in zip(read, reference):
        assert fuzz.ratio(ocr_text, text) >= 95, (ocr_text, text)
    notice = result.stderr.splitlines()[0]
    assert "by OCR" in notice and "% average word confidence" in notice


# --- bad input: one line, non-zero exit --------------------------------------------------------------------


def run_show(pdf: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", "show", str(pdf)],
                          capture_output=True, text=True, timeout=120, env=env)


def assert_one_line_error(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]


@pytest.fixture(scope="module")
def prose_pdf(pdfs: Path) -> Path:
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    body = getSampleStyleSheet()["BodyText"]
    sentence = "It was a dark and stormy night; the rain fell in torrents, except at occasional intervals. "
    story = []
    for page in range(3):
        story += [Paragraph(sentence * 6, body) for _ in range(4)] + ([PageBreak()] if page < 2 else [])
    out = pdfs / "prose.pdf"
    SimpleDocTemplate(str(out), pagesize=letter).build(story)
    return out


@needs_screenplain
def test_encrypted_pdf_is_one_line_saying_so(pdfs: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=typeset("screenplain", SIDES, pdfs))
    writer.encrypt("opensesame")
    locked = pdfs / "locked.pdf"
    with locked.open("wb") as handle:
        writer.write(handle)
    assert_one_line_error(run_show(locked), "encrypted", str(locked))


@needs_screenplain
def test_damaged_pdf_is_one_line(pdfs: Path) -> None:
    whole = typeset("screenplain", SIDES, pdfs).read_bytes()
    damaged = pdfs / "damaged.pdf"
    damaged.write_bytes(whole[: len(whole) // 3])
    assert_one_line_error(run_show(damaged), "damaged PDF", str(damaged))


def test_pdf_without_dialogue_says_what_it_found(prose_pdf: Path) -> None:
    assert_one_line_error(run_show(prose_pdf), "no dialogue found", "3 pages of prose, no character cues")


@needs_afterwriting
def test_scan_without_tesseract_says_how_to_install_it(pdfs: Path, tmp_path: Path) -> None:
    scan = scanned(typeset("afterwriting", SIDES, pdfs), pdfs / "one-page-scan.pdf", slice(1, 2))
    bin_without_tesseract = tmp_path / "bin"
    bin_without_tesseract.mkdir()
    env = {"PATH": str(bin_without_tesseract), "CALLBACK_HOME": str(tmp_path / "home")}
    assert_one_line_error(run_show(scan, env), "scanned PDF", "sudo apt-get install tesseract-ocr")


def test_pdf_without_dialogue_raises_callback_error_from_load_script(prose_pdf: Path) -> None:
    with pytest.raises(CallbackError, match="3 pages of prose"):
        load_script(prose_pdf)


# --- callback show ------------------------------------------------------------------------------------------


@pytest.fixture
def runner() -> CliRunner:
    assistant.cli._register()
    return CliRunner()


def test_show_prints_scenes_speakers_lines_and_directions(runner: CliRunner) -> None:
    result = runner.invoke(assistant.cli.cli, ["show", str(SIDES)])
    assert result.exit_code == 0, result.output
    out = result.output.splitlines()
    assert out[0] == "The Night Ferry"
    assert out[1].startswith("3 scenes, 39 speeches, ELENA 17, TOMAS 5")
    assert "Scene 1: INT. FERRY TERMINAL - NIGHT" in out
    assert "  TOMAS 1: [not looking up] Last boat left at nine." in out
    assert "  MARCUS 11 (at the same time): Then I can carry it off again." in out


def test_show_role_keeps_the_roles_scenes_and_marks_its_lines(runner: CliRunner) -> None:
    result = runner.invoke(assistant.cli.cli, ["show", str(SIDES), "--role", "tomas"])
    assert result.exit_code == 0, result.output
    assert "Scene 1: INT. FERRY TERMINAL - NIGHT" in result.output
    assert "Scene 2:" not in result.output  # Tomas is only in the terminal
    assert "> TOMAS 2: Clock's fast. Has been for years." in result.output.splitlines()
    assert "  ELENA: It's ten to nine." in result.output.splitlines()


def test_show_json_has_the_documented_shape(runner: CliRunner) -> None:
    result = runner.invoke(assistant.cli.cli, ["show", str(SIDES), "--json", "--role", "TOMAS"])
    shown = json.loads(result.output)
    assert set(shown) == {"title", "scenes"} and len(shown["scenes"]) == 1
    assert shown["scenes"][0]["lines"][1] == {
        "speaker": "TOMAS", "number": 1, "text": "Last boat left at nine.", "direction": "not looking up",
        "dual": False}


def test_show_unknown_role_names_the_real_ones(runner: CliRunner) -> None:
    result = runner.invoke(assistant.cli.cli, ["show", str(SIDES), "--role", "Hamlet"])
    assert result.exit_code != 0
    assert "characters: ELENA, TOMAS, ANNOUNCER, DECKHAND, MARCUS, GUARD 2" in str(result.exception)


@needs_screenplain
def test_a_pdf_saved_without_its_extension_is_still_read_as_a_pdf(pdfs: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "sides.txt"
    renamed.write_bytes(typeset("screenplain", SIDES, pdfs).read_bytes())
    assert [line.speaker for line in load_script(renamed).lines][:3] == ["ELENA", "TOMAS", "ELENA"]


# --- pages that are not text ----------------------------------------------------------------------------------


@needs_screenplain
def test_a_blank_page_in_a_typeset_pdf_needs_no_ocr(pdfs: Path, tmp_path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=typeset("screenplain", SIDES, pdfs))
    writer.add_blank_page()  # "this page intentionally left blank"
    with_blank = pdfs / "with-blank-page.pdf"
    with with_blank.open("wb") as handle:
        writer.write(handle)
    bin_without_tesseract = tmp_path / "bin"
    bin_without_tesseract.mkdir()
    env = {"PATH": str(bin_without_tesseract), "CALLBACK_HOME": str(tmp_path / "home")}
    result = run_show(with_blank, env)
    assert result.returncode == 0 and result.stderr == "", result.stderr


@needs_afterwriting
def test_ocr_notice_is_one_line_then_the_unsure_lines(pdfs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the notice says, without running Tesseract: OCR's words are the text layer's, one line made doubtful."""
    import dataclasses

    import assistant.script.ocr as ocr
    from assistant.script.pdf import parse_pdf
    from assistant.script.pdf_text import text_layer_words

    typeset_pdf = typeset("afterwriting", SIDES, pdfs)
    scan = scanned(typeset_pdf, pdfs / "notice-scan.pdf", slice(1, 2), dpi=72)
    source = pdfium.PdfDocument(typeset_pdf)
    words = text_layer_words(source[1], 1)
    source.close()
    doubtful = tuple(
        dataclasses.replace(word, confidence=41.0 if word.text == "nine." else 93.0) for word in words.words
    )
    monkeypatch.setattr(ocr, "ocr_pages", lambda pages: [dataclasses.replace(words, words=doubtful, by_ocr=True)])
    monkeypatch.setattr(ocr, "tesseract_missing", lambda: None)
    notices: list[str] = []
    script = parse_pdf(scan.read_bytes(), "sides.pdf", on_notice=notices.append)
    assert script.lines[1].text == "Last boat left at nine."
    assert notices[0] == (
        "sides.pdf is a scan: read 1 page by OCR, 92% average word confidence; 2 lines unsure, below")
    assert notices[1:] == ["  page 1, 83%, a word at 41%: Last boat left at nine.",
                           "  page 1, 80%, a word at 41%: It's ten to nine."]


# --- the layout reader on pages placed by hand, as Final Draft sets them ---------------------------------------


def courier_page(number: int, rows: list[tuple[float, float, str]]) -> "PageWords":
    """A US Letter page of 12 pt Courier: each row is (inches from the left, inches from the top, text)."""
    from assistant.script.page_words import PageWords, Word

    words = []
    for left, top, text in rows:
        x = left * 72
        for index, word in enumerate(text.split(" ")):
            if word:
                words.append(Word(word, x, x + 7.2 * len(word), top * 72, 12.0))
            x += 7.2 * (len(word) + 1)
    return PageWords(number, 612, 792, tuple(words))


def test_final_draft_geometry_with_margins_marks_and_a_split_speech() -> None:
    from assistant.script.layout import learn_columns, read_layout
    from assistant.script.page_lines import char_width, page_lines

    line = 1 / 6  # 12 pt in inches
    first = courier_page(1, [
        (7.0, 0.5, "12."),                                      # page number
        (0.75, 1.0, "7A"), (1.5, 1.0, "INT. HOUSE - DAY"), (7.4, 1.0, "7A"),  # scene numbers in both margins
        (1.5, 1.0 + 2 * line, "Mara waits by the door."),
        (3.7, 1.0 + 4 * line, "MARA"),
        (2.5, 1.0 + 5 * line, "You said eight o'clock."), (7.6, 1.0 + 5 * line, "*"),  # revision mark
        (3.1, 1.0 + 6 * line, "(beat)"),
        (2.5, 1.0 + 7 * line, "It is a quarter past"),
        (3.7, 1.0 + 8 * line, "(MORE)"),
        (1.5, 10.5, "Sides for Jane Actor"),                  # footer
    ])
    second = courier_page(2, [
        (7.0, 0.5, "13."), (1.5, 0.5, "Sides for Jane Actor"),
        (1.5, 1.0, "CONTINUED: (2)"),
        (3.7, 1.0 + 2 * line, "MARA (CONT'D)"),
        (2.5, 1.0 + 3 * line, "nine, and you are not sorry."),
        (3.7, 1.0 + 5 * line, "JONAS (O.S.)"),
        (2.5, 1.0 + 6 * line, "I am, actually."),
        (6.0, 1.0 + 8 * line, "CUT TO:"),
    ])
    pages = [first, second]
    lines = page_lines(pages)
    columns = learn_columns(lines, char_width(pages))
    assert columns is not None
    script = read_layout(lines, columns, "Sides", "sides.pdf").script
    assert [scene.heading for scene in script.scenes] == ["INT. HOUSE - DAY"]
    assert [(line.speaker, line.text, line.direction, line.source_line) for line in script.lines] == [
        ("MARA", "You said eight o'clock. It is a quarter past nine, and you are not sorry.", "beat", 1),
        ("JONAS", "I am, actually.", "", 2),
    ]
