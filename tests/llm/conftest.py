"""Servers and cases for the explanation tests.

Three OpenAI-compatible servers, all on 127.0.0.1 with a random port:

- `stub`: a FastAPI app of this suite that returns exactly the reply, status, headers
  and delay a test scripts, and records every request (path, query, headers, body);
- `katan`: llm-katan in echo mode, for the Azure shapes and injected 429/5xx;
- `llama`: llama.cpp's llama-server with SmolLM2-135M, built and started by
  scripts/llm-server.sh, for the real-model tests (marker llm_real).
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from docmatch.models import Case, CaseDocument, Finding, FindingKind, OdooRef, Severity
from docmatch.settings import Settings, load_settings

REPO = Path(__file__).resolve().parents[2]
LLM_SERVER_SCRIPT = REPO / "scripts" / "llm-server.sh"
STUB_KEY = "stub-key"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- a scripted OpenAI-compatible server ---------------------------------------------------------


@dataclass
class Reply:
    """One scripted response of the stub."""

    content: Any = None
    finish_reason: str = "stop"
    status: int = 200
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    error_code: str | None = None
    usage: dict[str, int] = field(default_factory=lambda: {"prompt_tokens": 120, "completion_tokens": 40, "total_tokens": 160})


@dataclass
class SeenRequest:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: dict[str, Any]


class StubLLM:
    """A chat-completions server whose replies the test scripts; unscripted requests get 500."""

    def __init__(self) -> None:
        self.replies: deque[Reply] = deque()
        self.requests: list[SeenRequest] = []
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.app = FastAPI()
        self.app.post("/v1/chat/completions")(self._complete)
        self.app.post("/openai/deployments/{deployment}/chat/completions")(self._complete)
        self._server: uvicorn.Server | None = None

    def script(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    def reset(self) -> None:
        self.replies.clear()
        self.requests.clear()

    async def _complete(self, request: Request) -> JSONResponse:
        body = await request.json()
        self.requests.append(SeenRequest(request.url.path, dict(request.query_params), {k.lower(): v for k, v in request.headers.items()}, body))
        reply = self.replies.popleft() if self.replies else Reply(status=500, content="no reply scripted")
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.status != 200:
            error = {"message": str(reply.content or "scripted failure"), "type": "server_error", "code": reply.error_code}
            return JSONResponse({"error": error}, status_code=reply.status, headers=reply.headers)
        content = reply.content if isinstance(reply.content, str) or reply.content is None else json.dumps(reply.content)
        completion = {
            "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", "stub-model"),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": reply.finish_reason}],
            "usage": reply.usage,
        }
        return JSONResponse(completion, headers=reply.headers)

    def start(self) -> None:
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning", timeout_graceful_shutdown=1)
        self._server = uvicorn.Server(config)
        thread = threading.Thread(target=self._server.run, daemon=True)
        thread.start()
        for _ in range(200):
            if self._server.started:
                return
            time.sleep(0.05)
        raise RuntimeError("the stub LLM server did not start")

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True


@pytest.fixture(scope="session")
def stub_server() -> Iterator[StubLLM]:
    server = StubLLM()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def stub(stub_server: StubLLM) -> Iterator[StubLLM]:
    stub_server.reset()
    yield stub_server
    stub_server.reset()


@pytest.fixture
def llm_settings(tmp_path: Path) -> Callable[..., Settings]:
    """Settings for a provider at `base_url`; keyword arguments override the llm_* fields."""

    def build(base_url: str, **overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "llm_provider": "vllm",
            "llm_base_url": f"{base_url}/v1",
            "llm_api_key": STUB_KEY,
            "llm_model": "stub-model",
            "llm_timeout": 5.0,
            "llm_retries": 1,
            "llm_deadline": 20.0,
            "llm_cache_dir": tmp_path / "explanations",
        }
        values.update(overrides)
        return load_settings(**values)

    return build


# --- cases ------------------------------------------------------------------------------------


def make_case(*findings: Finding, doc_type: str = "invoice", orders: tuple[str, ...] = ("P00457",), partner: str | None = "Acme Steel GmbH") -> Case:
    return Case(
        document=CaseDocument(sha256=uuid.uuid4().hex * 2, filename="invoice.pdf", doc_type=doc_type),  # type: ignore[arg-type]
        matched=[OdooRef(model="purchase.order", id=index + 1, name=name) for index, name in enumerate(orders)],
        partner=OdooRef(model="res.partner", id=7, name=partner) if partner else None,
        findings=list(findings),
    )


def waiting_time_case(marker: str = "") -> Case:
    """An invoice with a line that is not on the order and a total beyond tolerance.

    `marker` goes into the line description, so that prompts differ between tests and
    neither docmatch's cache nor the server's prompt cache answers.
    """
    return make_case(
        Finding(
            kind=FindingKind.LINE_NOT_ON_ORDER,
            severity=Severity.HIGH,
            rule="lines.on_order",
            line=3,
            document_value=f"Waiting time {marker}".strip(),
            message="Invoice line 3 'Waiting time' for 90.00 EUR has no order line.",
            evidence={"amount": 90.0, "currency": "EUR"},
        ),
        Finding(
            kind=FindingKind.TOTAL_MISMATCH,
            severity=Severity.MEDIUM,
            rule="totals.untaxed",
            document_value=1418.0,
            odoo_value=1310.9,
            tolerance="0.5 %",
            message="Untaxed total 1418.00 EUR on the invoice, 1310.90 EUR on P00457.",
        ),
    )


GROUNDED_REPLY = {
    "summary": "Invoice line 3 (Waiting time, 90.00 EUR) is not on P00457, so the total is 1418.00 instead of 1310.90.",
    "cause": "The supplier may have billed waiting time that was never ordered.",
    "next_step": "Ask purchasing whether the waiting time was agreed before booking the invoice.",
}


@pytest.fixture
def case_factory() -> Callable[..., Case]:
    return make_case


@pytest.fixture
def waiting_case() -> Callable[[str], Case]:
    return waiting_time_case


@pytest.fixture
def grounded_reply() -> dict[str, str]:
    return dict(GROUNDED_REPLY)


# --- llm-katan, echo backend --------------------------------------------------------------------


class Katan:
    """llm-katan in echo mode on a random loopback port, stopped by its PID."""

    def __init__(self, workdir: Path, *, deployment: str, extra: list[str]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.deployment = deployment
        executable = Path(sys.executable).with_name("llm-katan")
        command = [
            str(executable), "--model", deployment, "--backend", "echo", "--providers", "openai,azure_openai",
            "--host", "127.0.0.1", "--port", str(self.port), "--disable-dashboard", "--log-level", "warning",
            "--stats-file", str(workdir / "katan-stats.json"), *extra,
        ]
        self.log = (workdir / "katan.log").open("w")
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT, cwd=workdir)
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"llm-katan exited with {self.process.returncode}; see {self.log.name}")
            try:
                httpx.get(f"{self.url}/health", timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError("llm-katan did not start within 30 s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


@pytest.fixture
def katan(tmp_path: Path) -> Iterator[Callable[..., Katan]]:
    """Start llm-katan with extra command-line options; every instance is stopped afterwards."""
    started: list[Katan] = []

    def start(*extra: str, deployment: str = "docmatch-deploy") -> Katan:
        instance = Katan(tmp_path, deployment=deployment, extra=list(extra))
        started.append(instance)
        return instance

    yield start
    for instance in started:
        instance.stop()


# --- llama.cpp's llama-server with SmolLM2-135M ---------------------------------------------------


@dataclass
class LlamaServer:
    url: str
    api_key: str
    model: str


@pytest.fixture(scope="session")
def llama_server() -> Iterator[LlamaServer]:
    """Start the real model server (built once and cached by scripts/llm-server.sh)."""
    port = free_port()
    api_key = f"ci-{uuid.uuid4().hex[:12]}"
    env = dict(os.environ)
    started = subprocess.run(["bash", str(LLM_SERVER_SCRIPT), "start", str(port), api_key], env=env, capture_output=True, text=True)
    if started.returncode != 0:
        pytest.fail(f"scripts/llm-server.sh start failed ({started.returncode}):\n{started.stderr[-4000:]}")
    yield LlamaServer(url=f"http://127.0.0.1:{port}", api_key=api_key, model="docmatch-test")
    subprocess.run(["bash", str(LLM_SERVER_SCRIPT), "stop", str(port)], capture_output=True, text=True)
