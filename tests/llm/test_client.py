"""The provider client's retry budget and error translation."""

from __future__ import annotations

import time
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from docmatch.explain.grounding import REPLY_SCHEMA
from docmatch.explain.llm import ChatClient, ProviderConfig, ProviderError, open_sdk_client, retry_after_seconds

from .conftest import Reply

MESSAGES = [{"role": "system", "content": "Reply as JSON."}, {"role": "user", "content": "Findings: none."}]


def client_for(stub, llm_settings, **overrides) -> ChatClient:  # type: ignore[no-untyped-def]
    return ChatClient(ProviderConfig.from_settings(llm_settings(stub.url, **overrides)))


@pytest.mark.parametrize("provider", ["openai", "azure", "vllm", "ollama", "litellm"])
def test_sdk_retries_off(llm_settings, provider) -> None:  # type: ignore[no-untyped-def]
    settings = llm_settings("http://127.0.0.1:9", llm_provider=provider, llm_base_url="http://127.0.0.1:9", llm_timeout=7.0)

    client = open_sdk_client(ProviderConfig.from_settings(settings))

    assert client.max_retries == 0
    assert client.timeout == 7.0


def test_timeout_cut_to_deadline(stub, llm_settings) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a 5 s timeout but a 1 s deadline WHEN the server stalls THEN the request ends after about 1 s."""
    stub.script(Reply(delay=4.0, content="late"))
    client = client_for(stub, llm_settings, llm_timeout=5.0, llm_deadline=1.0, llm_retries=3)
    started = time.monotonic()

    with pytest.raises(ProviderError) as raised:
        client.complete(MESSAGES, schema=REPLY_SCHEMA, schema_name="test")

    assert raised.value.reason == "timeout"
    assert raised.value.attempts == 1
    assert time.monotonic() - started < 2.5


def test_retries_stop_at_budget(stub, llm_settings) -> None:  # type: ignore[no-untyped-def]
    stub.script(*[Reply(status=503, headers={"retry-after": "0"}) for _ in range(5)])
    client = client_for(stub, llm_settings, llm_retries=2)

    with pytest.raises(ProviderError) as raised:
        client.complete(MESSAGES, schema=REPLY_SCHEMA, schema_name="test")

    assert raised.value.reason == "server_error"
    assert raised.value.status == 503
    assert raised.value.attempts == 3
    assert len(stub.requests) == 3


def test_retry_after_honoured(stub, llm_settings) -> None:  # type: ignore[no-untyped-def]
    stub.script(Reply(status=429, headers={"retry-after-ms": "1200"}), Reply(content={"summary": "a b c", "cause": "a b c", "next_step": "a b c"}))
    client = client_for(stub, llm_settings)
    started = time.monotonic()

    reply = client.complete(MESSAGES, schema=REPLY_SCHEMA, schema_name="test")

    assert reply.attempts == 2
    assert time.monotonic() - started >= 1.2


def test_usage_read_defensively(stub, llm_settings) -> None:  # type: ignore[no-untyped-def]
    stub.script(Reply(content="{}", usage={}))

    reply = client_for(stub, llm_settings).complete(MESSAGES, schema=REPLY_SCHEMA, schema_name="test")

    assert reply.prompt_tokens is None
    assert reply.completion_tokens is None
    assert reply.finish_reason == "stop"


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({}, None),
        ({"retry-after": "3"}, 3.0),
        ({"retry-after": "0.5"}, 0.5),
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after": "soon"}, None),
        ({"retry-after": "-4"}, 0.0),
    ],
)
def test_retry_after_parsing(headers, seconds) -> None:  # type: ignore[no-untyped-def]
    assert retry_after_seconds(httpx.Headers(headers)) == seconds


def test_retry_after_http_date() -> None:
    when = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=30), usegmt=True)

    seconds = retry_after_seconds(httpx.Headers({"retry-after": when}))

    assert seconds is not None
    assert 25 <= seconds <= 31
