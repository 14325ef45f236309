"""PDF import benchmark: seconds per page, text layer and OCR, and how many lines each typesetter's PDF
gives back exactly right.

    .venv/bin/python scripts/bench_import.py [--ocr-pages N] [--repeat N]

Sources are the Fountain files in tests/scripts/ whose words the typesetters print unchanged
(pdf-sides.fountain, brick-and-steel.fountain; edge-cases.fountain is left out because both typesetters
print its notes and boneyard differently from the source, see tests/test_pdf.py). Each is typeset with
afterwriting (plain, and with scene numbers, headers, footers, CONTINUED, (MORE)/(CONT'D) and a watermark)
and with screenplain. The right answer for a line is callback's reading of the Fountain source: a line is
exact when speaker and words are identical, in order (difflib alignment, so one lost line costs one).

OCR: the afterwriting pages are rasterised, tilted, blurred and saved as an image-only PDF, then read: a
decent scan (200 dpi, 1 degree, 0.8 px) and a poor one (100 dpi, 2 degrees, 1.2 px). The right answer is
the typeset PDF's text-layer reading of the same pages. Targets on the 2-core development machine: <= 0.2 s per page with a text layer, <= 5 s per
scanned page.
"""

from __future__ import annotations

import argparse
import difflib
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import pypdfium2 as pdfium  # noqa: E402
from rapidfuzz import fuzz  # noqa: E402

from assistant.script import load_script  # noqa: E402
from assistant.script.pdf import parse_pdf  # noqa: E402
from pdf_helpers import (  # noqa: E402
    AFTERWRITING_EVERYTHING,
    pages_of,
    afterwriting_missing,
    afterwriting_pdf,
    scanned,
    screenplain_missing,
    screenplain_pdf,
)

SOURCES = [ROOT / "tests" / "scripts" / "pdf-sides.fountain", ROOT / "tests" / "scripts" / "brick-and-steel.fountain"]
# (label, dpi, tilt in degrees, Gaussian blur in pixels): a decent scan, and a poor one.
SCANS = [("200 dpi, 1 deg tilt, blur 0.8", 200, 1.0, 0.8), ("100 dpi, 2 deg tilt, blur 1.2", 100, 2.0, 1.2)]
TEXT_TARGET = 0.2
OCR_TARGET = 5.0


def speeches(script) -> list[tuple[str, str]]:
    return [(line.speaker, line.text) for line in script.lines]


def exact(read: list[tuple[str, str]], right: list[tuple[str, str]]) -> int:
    matcher = difflib.SequenceMatcher(a=right, b=read, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks())


def aligned(read: list[tuple[str, str]], right: list[tuple[str, str]]) -> list[tuple[tuple[str, str], tuple[str, str]]]:
    """Pairs of (read, right) speeches matched by speaker order, so one lost speech does not shift the rest."""
    matcher = difflib.SequenceMatcher(a=[s for s, _ in right], b=[s for s, _ in read], autojunk=False)
    return [(read[block.b + k], right[block.a + k]) for block in matcher.get_matching_blocks() for k in range(block.size)]


def page_count(pdf: Path) -> int:
    document = pdfium.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


def timed_read(pdf: Path, repeat: int) -> tuple[float, object]:
    data = pdf.read_bytes()
    best = float("inf")
    script = None
    for _ in range(repeat):
        start = time.perf_counter()
        script = parse_pdf(data, str(pdf), on_notice=lambda message: None)
        best = min(best, time.perf_counter() - start)
    return best, script


def typesetters() -> dict[str, object]:
    available = {}
    if afterwriting_missing() is None:
        available["afterwriting"] = lambda src, out: afterwriting_pdf(src, out)
        available["afterwriting+furniture"] = lambda src, out: afterwriting_pdf(src, out, AFTERWRITING_EVERYTHING)
    else:
        print(f"skipping afterwriting: {afterwriting_missing()}")
    if screenplain_missing() is None:
        available["screenplain"] = screenplain_pdf
    else:
        print(f"skipping screenplain: {screenplain_missing()}")
    return available


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ocr-pages", type=int, default=4, help="scanned pages to OCR (default 4)")
    parser.add_argument("--repeat", type=int, default=5, help="text-layer reads per PDF; the best counts")
    options = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="callback-bench-"))
    print(f"{'typesetter':<24} {'pages':>5} {'s/page':>8} {'lines exact':>12}")
    per_page: list[float] = []
    for name, make in typesetters().items():
        pages = right_total = exact_total = 0
        seconds = 0.0
        for source in SOURCES:
            pdf = make(source, folder / f"{source.stem}.{name}.pdf")
            elapsed, script = timed_read(pdf, options.repeat)
            right = speeches(load_script(source))
            pages += page_count(pdf)
            seconds += elapsed
            right_total += len(right)
            exact_total += exact(speeches(script), right)
        per_page.append(seconds / pages)
        print(f"{name:<24} {pages:>5} {seconds / pages:>8.4f} {exact_total:>5}/{right_total:<3} {100 * exact_total / right_total:5.1f}%")
    if per_page:
        worst = max(per_page)
        print(f"text layer: worst {worst:.4f} s/page (target <= {TEXT_TARGET}): {'ok' if worst <= TEXT_TARGET else 'MISSED'}")

    if afterwriting_missing() is not None:
        print("skipping OCR: afterwriting makes the pages to scan")
        return
    typeset = afterwriting_pdf(SOURCES[0], folder / "ocr-source.pdf")
    wanted = slice(1, 1 + options.ocr_pages)  # after the title page
    reference_pdf = folder / "ocr-reference.pdf"
    pages_of(typeset, wanted, reference_pdf)
    right = speeches(load_script(reference_pdf))
    worst = 0.0
    for label, dpi, tilt, blur in SCANS:
        scan = scanned(typeset, folder / f"scan-{dpi}.pdf", wanted, dpi=dpi, tilt=tilt, blur=blur)
        notices: list[str] = []
        start = time.perf_counter()
        script = parse_pdf(scan.read_bytes(), str(scan), on_notice=notices.append)
        elapsed = time.perf_counter() - start
        read = speeches(script)
        pages = page_count(scan)
        similar = [fuzz.ratio(a[1], b[1]) for a, b in aligned(read, right)]
        worst = max(worst, elapsed / pages)
        print(f"OCR, {label}: {pages} pages, {elapsed / pages:.2f} s/page, speeches {len(read)}/{len(right)}, "
              f"lines exact {exact(read, right)}/{len(right)}, "
              f"text similarity of matched speeches mean {statistics.fmean(similar):.1f}% min {min(similar):.1f}%")
        print(f"  notice: {notices[0] if notices else '(none)'}" + (f" (+{len(notices) - 1} unsure lines)" if len(notices) > 1 else ""))
    print(f"OCR: worst {worst:.2f} s/page (target <= {OCR_TARGET}): {'ok' if worst <= OCR_TARGET else 'MISSED'}")


if __name__ == "__main__":
    main()
