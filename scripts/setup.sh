#!/usr/bin/env bash
# Install everything docmatch and its test suite need on a fresh Debian 12 machine.
# Safe to run again: each step checks what is already there and skips it.
#
#   scripts/setup.sh            system packages + .venv with docmatch and its test tools
#   scripts/setup.sh --no-dev   system packages + .venv without the test tools
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
venv="$repo/.venv"
with_dev=1
[[ "${1:-}" == "--no-dev" ]] && with_dev=0

log() { printf '[setup] %s\n' "$*" >&2; }

# pip on some machines is configured with extra local indexes that may not exist; its
# warnings about them say nothing about docmatch, so they are dropped from the output.
quiet_pip() { "$venv/bin/pip" "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2); }

# Debian packages: Tesseract with the six document languages and orientation data, the servers the
# tests talk to (Redis, Dovecot IMAP, OpenSSH SFTP), poppler and Ghostscript for PDF fixtures, and
# Chromium for the browser tests.
apt_packages=(
  tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd tesseract-ocr-deu tesseract-ocr-fra
  tesseract-ocr-nld tesseract-ocr-spa tesseract-ocr-ita
  redis-server dovecot-imapd openssh-server openssh-sftp-server
  poppler-utils ghostscript
)
if [[ $with_dev == 1 ]]; then
  apt_packages+=(chromium cmake build-essential unzip curl)
fi

missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if (( ${#missing[@]} )); then
  log "installing Debian packages: ${missing[*]}"
  sudo_cmd=""
  [[ $(id -u) -ne 0 ]] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  log "Debian packages already installed"
fi

# Python environment at the repository root.
python_bin="${PYTHON:-python3.11}"
command -v "$python_bin" >/dev/null || python_bin=python3
if [[ ! -x "$venv/bin/python" ]]; then
  log "creating $venv"
  "$python_bin" -m venv "$venv"
  quiet_pip install -q --upgrade pip
fi

# The stamp holds a hash of pyproject.toml, so a changed dependency list reinstalls and an
# unchanged one costs nothing.
stamp="$venv/.docmatch-installed"
want="$(sha256sum "$repo/pyproject.toml" | cut -c1-16)-dev$with_dev"
if [[ "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
  log "installing docmatch into $venv"
  extras=""
  [[ $with_dev == 1 ]] && extras="[dev]"
  quiet_pip install -q -e "$repo$extras"
  # layoutparser 0.3.4 pins the GUI build of OpenCV; docmatch uses only its geometry classes,
  # so it goes in without dependencies beside opencv-python-headless.
  quiet_pip install -q --no-deps "layoutparser==0.3.4"
  echo "$want" > "$stamp"
else
  log "Python packages already installed"
fi

log "done: activate with 'source .venv/bin/activate'"
