"""Making test PDFs the way actors get them: typeset by real screenplay programs, watermarked, scanned.

The typesetters are other people's: afterwriting (npm, `afterwriting --source x.fountain --pdf x.pdf`) and
screenplain (PyPI, `screenplain --format pdf x.fountain x.pdf`). The watermark is laid over with reportlab
and pypdf the way an agency's tool does it; the scan is the typeset page rasterised, tilted, blurred and
saved as an image-only PDF by Pillow.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

from PIL import Image, ImageFilter

# afterwriting's own options for what real exports carry: scene numbers in both margins, CONTINUED at page
# breaks, a header, a footer, its watermark, and speeches split across pages with (MORE) / (CONT'D).
AFTERWRITING_EVERYTHING = {
    "print_profile": "usletter",
    "scenes_numbers": "both",
    "scene_continuation_bottom": True,
    "scene_continuation_top": True,
    "print_header": "AUDITION SIDES - CONFIDENTIAL",
    "print_footer": "Blue revision",
    "print_watermark": "JANE ACTOR",
    "split_dialogue": True,
}


def afterwriting_missing() -> str | None:
    if shutil.which("afterwriting") is None:
        return "afterwriting is not installed (npm install -g afterwriting)"
    return None


def screenplain_missing() -> str | None:
    try:
        import reportlab  # noqa: F401  screenplain's PDF output needs it
        import screenplain  # noqa: F401
    except ImportError:
        return "screenplain is not installed (pip install 'screenplain[PDF]')"
    return None


def afterwriting_pdf(fountain: Path, out: Path, settings: dict | None = None) -> Path:
    command = ["afterwriting", "--source", str(fountain), "--pdf", str(out), "--overwrite"]
    if settings:
        config = out.with_suffix(".json")
        config.write_text(json.dumps(settings))
        command += ["--config", str(config)]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    return out


def screenplain_pdf(fountain: Path, out: Path) -> Path:
    # Run as a module of this interpreter, so the venv's screenplain is used even when its script is not on PATH.
    subprocess.run(
        [sys.executable, "-c", "import sys; from screenplain.main import cli; sys.exit(cli())", "--format", "pdf", str(fountain), str(out)],
        check=True, capture_output=True, timeout=120,
    )
    return out


def watermarked(pdf: Path, out: Path, text: str = "JANE ACTOR - CONFIDENTIAL") -> Path:
    """Every page with `text` laid diagonally across it: big, translucent grey, 45 degrees."""
    from pypdf import PdfReader, PdfWriter
    from reportlab.pdfgen import canvas

    writer = PdfWriter(clone_from=pdf)
    for page in writer.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        stamp = io.BytesIO()
        sheet = canvas.Canvas(stamp, pagesize=(width, height))
        sheet.setFillColorRGB(0.5, 0.5, 0.5, alpha=0.3)
        sheet.setFont("Helvetica-Bold", 54)
        sheet.translate(width / 2, height / 2)
        sheet.rotate(45)
        sheet.drawCentredString(0, 0, text)
        sheet.save()
        page.merge_page(PdfReader(stamp).pages[0])
    with out.open("wb") as handle:
        writer.write(handle)
    return out


def scanned(pdf: Path, out: Path, pages: slice = slice(None), dpi: int = 200, tilt: float = 1.0,
            blur: float = 0.8) -> Path:
    """An image-only PDF of `pages`, as a flatbed or phone would make it: grey, a degree off, a little soft."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    images = []
    for index in range(len(document))[pages]:
        image = document[index].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        image = image.rotate(tilt, resample=Image.Resampling.BICUBIC, fillcolor=255)
        images.append(image.filter(ImageFilter.GaussianBlur(blur)))
    document.close()
    images[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return out


def show_json(script: Path) -> dict:
    """`callback show --json SCRIPT`, as a user runs it."""
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "show", "--json", str(script)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def speeches(shown: dict) -> list[tuple[str, str]]:
    return [(line["speaker"], line["text"]) for scene in shown["scenes"] for line in scene["lines"]]


def pages_of(pdf: Path, pages: slice, out: Path) -> Path:
    """A PDF of some of `pdf`'s pages, written to `out`."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(pdf).pages[pages]:
        writer.add_page(page)
    with out.open("wb") as handle:
        writer.write(handle)
    return out
