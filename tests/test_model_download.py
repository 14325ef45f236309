"""`callback model download` against a model list and archives served from 127.0.0.1.

The archives hold a tiny fake model (the right files, nonsense content): this tests the downloader, not Vosk.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import subprocess
import sys
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from assistant.errors import CallbackError
from assistant.speech import models

REPO = Path(__file__).resolve().parents[1]
NAME = "vosk-model-tiny-xx-0.1"
FST_MAGIC = (2125659606).to_bytes(4, "little")  # how every OpenFst graph begins
FAKE_MODEL = {  # each file begins as the real one does (models.model_problem looks), and is nothing after that
    "am/final.mdl": b"\0B<TransitionModel> fake acoustic model\n",
    "conf/model.conf": b"--beam=10.0\n",
    "conf/mfcc.conf": b"--use-energy=false\n",
    "graph/HCLr.fst": FST_MAGIC + b"fake graph\n",
    "graph/Gr.fst": FST_MAGIC + b"fake grammar\n",
    "graph/disambig_tid.int": b"1\n",
    "README": b"A model that is not one.\n",
}


class Server:
    """A local web server whose pages the test sets: path -> bytes."""

    def __init__(self) -> None:
        pages: dict[str, bytes] = {}
        self.pages = pages

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                body = pages.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def offer(self, archive: bytes, name: str = NAME, size: int | None = None, md5: str | None = None,
              others: tuple[str, ...] = ()) -> str:
        """Serve `archive` as model `name` on a model list; return the list's URL."""
        self.pages[f"/{name}.zip"] = archive
        entries = [{
            "name": name, "url": f"{self.url}/{name}.zip", "lang": "xx", "type": "small", "obsolete": "false",
            "size": len(archive) if size is None else size,
            "md5": hashlib.md5(archive).hexdigest() if md5 is None else md5,
            "version": "0.1", "lang_text": "Test", "size_text": "1KiB",
        }]
        entries += [{"name": other, "url": f"{self.url}/{other}.zip", "size": 1, "md5": "0" * 32, "lang": "xx",
                     "type": "small", "obsolete": "false"} for other in others]
        self.pages["/model-list.json"] = json.dumps(entries).encode()
        return f"{self.url}/model-list.json"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    running = Server()
    yield running
    running.close()


def zip_of(files: dict[str, bytes], top: str | None = NAME, links: dict[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, data in files.items():
            bundle.writestr(f"{top}/{name}" if top else name, data)
        for name, target in (links or {}).items():
            info = zipfile.ZipInfo(f"{top}/{name}" if top else name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            bundle.writestr(info, target)
    return buffer.getvalue()


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# -- the happy path -----------------------------------------------------------------------------------------


def test_good_archive_is_unpacked_into_models_name(server, tmp_path):
    list_url = server.offer(zip_of(FAKE_MODEL))
    installed = models.download_model(NAME, tmp_path / "models", list_url=list_url, progress=False)

    assert installed.path == tmp_path / "models" / NAME and not installed.already_there
    for name, data in FAKE_MODEL.items():
        assert (installed.path / name).read_bytes() == data
    assert leftovers(tmp_path / "models") == [NAME]  # no temporary archive or half-unpacked folder
    assert models.model_problem(installed.path) is None


def test_archive_without_a_top_folder_works_too(server, tmp_path):
    list_url = server.offer(zip_of(FAKE_MODEL, top=None))
    installed = models.download_model(NAME, tmp_path, list_url=list_url, progress=False)
    assert (installed.path / "am" / "final.mdl").is_file()


def test_second_download_finds_it_installed(server, tmp_path):
    list_url = server.offer(zip_of(FAKE_MODEL))
    models.download_model(NAME, tmp_path, list_url=list_url, progress=False)
    server.pages.clear()  # the network is not asked again
    again = models.download_model(NAME, tmp_path, list_url=list_url, progress=False)
    assert again.already_there


def test_force_replaces_an_installed_model(server, tmp_path):
    (tmp_path / NAME / "am").mkdir(parents=True)
    (tmp_path / NAME / "am" / "final.mdl").write_text("")  # damaged
    list_url = server.offer(zip_of(FAKE_MODEL))
    with pytest.raises(CallbackError, match="--force"):
        models.download_model(NAME, tmp_path, list_url=list_url, progress=False)
    models.download_model(NAME, tmp_path, list_url=list_url, force=True, progress=False)
    assert (tmp_path / NAME / "am" / "final.mdl").read_bytes() == FAKE_MODEL["am/final.mdl"]
    assert leftovers(tmp_path) == [NAME]


def test_downloaded_model_is_what_auto_chooses(server, tmp_path, monkeypatch):
    monkeypatch.delenv(models.MODEL_PATH_ENV, raising=False)
    monkeypatch.setattr(models, "REPO_ROOT", tmp_path / "repo")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    list_url = server.offer(zip_of(FAKE_MODEL))
    models.download_model(NAME, Path("models"), list_url=list_url, progress=False)
    choice = models.choose_model()
    assert choice.model is not None and choice.model.name == NAME


# -- refusing bad downloads, leaving nothing behind ---------------------------------------------------------


def test_md5_mismatch_is_refused_and_nothing_is_left(server, tmp_path):
    list_url = server.offer(zip_of(FAKE_MODEL), md5="0" * 32)
    with pytest.raises(CallbackError, match="md5") as error:
        models.download_model(NAME, tmp_path / "models", list_url=list_url, progress=False)
    assert "\n" not in str(error.value)
    assert leftovers(tmp_path / "models") == []


def test_size_mismatch_is_refused(server, tmp_path):
    archive = zip_of(FAKE_MODEL)
    list_url = server.offer(archive, size=len(archive) + 1)
    with pytest.raises(CallbackError, match="bytes, the model list says"):
        models.download_model(NAME, tmp_path, list_url=list_url, progress=False)
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    "member, why",
    [("../evil", "'..'"), ("am/../../evil", "'..'"), ("/tmp/evil-absolute", "absolute")],
)
def test_archive_members_escaping_the_folder_are_refused(server, tmp_path, member, why):
    files = dict(FAKE_MODEL)
    files[member] = b"gotcha"
    list_url = server.offer(zip_of(files, top=None))
    target = tmp_path / "deep" / "models"
    with pytest.raises(CallbackError, match=why):
        models.download_model(NAME, target, list_url=list_url, progress=False)
    assert leftovers(target) == []
    assert not (tmp_path / "deep" / "evil").exists() and not (tmp_path / "evil").exists()
    assert not Path("/tmp/evil-absolute").exists()


def test_symlinks_in_the_archive_are_refused(server, tmp_path):
    list_url = server.offer(zip_of(FAKE_MODEL, links={"graph/words.txt": "/etc/passwd"}))
    with pytest.raises(CallbackError, match="symbolic link"):
        models.download_model(NAME, tmp_path, list_url=list_url, progress=False)
    assert leftovers(tmp_path) == []


def test_archive_without_a_model_is_refused(server, tmp_path):
    list_url = server.offer(zip_of({"README": b"nothing here"}))
    with pytest.raises(CallbackError, match="does not hold a complete Vosk model"):
        models.download_model(NAME, tmp_path, list_url=list_url, progress=False)
    assert leftovers(tmp_path) == []


def test_not_a_zip_is_refused(server, tmp_path):
    list_url = server.offer(b"<html>not a zip</html>")
    with pytest.raises(CallbackError, match="not a zip"):
        models.download_model(NAME, tmp_path, list_url=list_url, progress=False)
    assert leftovers(tmp_path) == []


def test_unknown_name_lists_close_names(server, tmp_path):
    list_url = server.offer(zip_of(FAKE_MODEL), others=("vosk-model-small-en-us-0.15", "vosk-model-en-us-0.22"))
    with pytest.raises(CallbackError) as error:
        models.download_model("vosk-model-small-en-us-0.16", tmp_path, list_url=list_url, progress=False)
    message = str(error.value)
    assert "no model named 'vosk-model-small-en-us-0.16'" in message and "vosk-model-small-en-us-0.15" in message
    assert "\n" not in message
    assert leftovers(tmp_path) == []


def test_missing_archive_on_the_server_is_one_line(server, tmp_path):
    list_url = server.offer(zip_of(FAKE_MODEL))
    del server.pages[f"/{NAME}.zip"]
    with pytest.raises(CallbackError, match="cannot download") as error:
        models.download_model(NAME, tmp_path, list_url=list_url, progress=False)
    assert "\n" not in str(error.value)
    assert leftovers(tmp_path) == []


def test_unreachable_model_list_fails_fast_in_one_line(tmp_path):
    started = time.monotonic()
    with pytest.raises(CallbackError) as error:
        models.download_model(NAME, tmp_path, list_url="http://127.0.0.1:9/model-list.json", progress=False)
    assert time.monotonic() - started < 3.0
    message = str(error.value)
    assert message.startswith("cannot reach the Vosk model list") and "PocketSphinx" in message
    assert "\n" not in message


def test_list_url_comes_from_the_environment(server, tmp_path, monkeypatch):
    monkeypatch.setenv(models.LIST_URL_ENV, server.offer(zip_of(FAKE_MODEL)))
    assert models.download_model(NAME, tmp_path, progress=False).path.is_dir()


# -- through the command line -------------------------------------------------------------------------------


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", "model", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=60, env=dict(os.environ, **(env or {})))


def test_cli_download_installs_into_dir(server, tmp_path):
    list_url = server.offer(zip_of(FAKE_MODEL))
    result = run_cli("download", NAME, "--dir", str(tmp_path / "m"), "--list-url", list_url)
    assert result.returncode == 0, result.stderr
    assert f"installed {NAME} at {tmp_path / 'm' / NAME}" in result.stdout
    assert (tmp_path / "m" / NAME / "am" / "final.mdl").is_file()


def test_cli_download_without_network_is_one_line(tmp_path):
    started = time.monotonic()
    result = run_cli("download", "--dir", str(tmp_path),
                     env={models.LIST_URL_ENV: "http://127.0.0.1:9/model-list.json"})
    assert time.monotonic() - started < 10.0
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("callback: cannot reach the Vosk model list"), result.stderr
    assert "Traceback" not in result.stderr
    assert leftovers(tmp_path) == []


def test_cli_download_if_missing_leaves_an_installed_model_alone(tmp_path):
    model = tmp_path / "my-model"
    for name, data in FAKE_MODEL.items():
        (model / name).parent.mkdir(parents=True, exist_ok=True)
        (model / name).write_bytes(data)
    result = run_cli("download", "--if-missing", "--dir", str(tmp_path / "m"),
                     env={models.MODEL_PATH_ENV: str(model), models.LIST_URL_ENV: "http://127.0.0.1:9/x.json"})
    assert result.returncode == 0, result.stderr
    assert f"a Vosk model is already installed: {model}" in result.stdout
    assert not (tmp_path / "m").exists()


def test_cli_list_shows_models_and_the_auto_choice(tmp_path):
    model = tmp_path / "my-model"
    for name, data in FAKE_MODEL.items():
        (model / name).parent.mkdir(parents=True, exist_ok=True)
        (model / name).write_bytes(data)
    result = run_cli("list", env={models.MODEL_PATH_ENV: str(model), "XDG_CACHE_HOME": str(tmp_path / "cache")})
    assert result.returncode == 0, result.stderr
    assert f"my-model  {model}  [VOSK_MODEL_PATH]  complete" in result.stdout
    assert f"live (follows you word by word): vosk with {model} (from VOSK_MODEL_PATH)" in result.stdout


def test_cli_list_available_reads_the_model_list(server):
    list_url = server.offer(zip_of(FAKE_MODEL), others=("vosk-model-small-en-us-0.15",))
    result = run_cli("list", "--available", "--list-url", list_url)
    assert result.returncode == 0, result.stderr
    assert NAME in result.stdout and "vosk-model-small-en-us-0.15" in result.stdout
