#!/usr/bin/env bash
# Set up docmatch on this machine and run the bundled demo end to end.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
bash scripts/setup.sh --no-dev
exec .venv/bin/docmatch demo "$@"
