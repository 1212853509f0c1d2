"""docmatch's real client against a real model: llama.cpp's server with SmolLM2-135M.

The model is far too small to explain well, so these tests check the plumbing and
never the wording: the request is authorised, the reply is schema-valid JSON that
finished normally, the usage and the audit record are filled in, and the timeout
fires. Each test puts a fresh marker into the findings, so neither docmatch's cache
nor the server's prompt cache answers in its place.
"""

from __future__ import annotations

import uuid

import pytest

from docmatch.explain import make_explainer
from docmatch.explain.explainer import SCHEMA_NAME, GroundedExplainer
from docmatch.explain.grounding import REPLY_SCHEMA, parse_reply
from docmatch.explain.llm import ChatClient, ProviderConfig
from docmatch.reporting.explain import template_explanation

pytestmark = [pytest.mark.llm_real, pytest.mark.slow, pytest.mark.timeout(1200)]

# Rejections that would mean the plumbing is broken, not that the model wrote something ungrounded.
PLUMBING_FAILURES = ("empty reply", "reply is not JSON", "reply breaks the schema", "the reply was cut off", "unexpected finish reason")


@pytest.fixture
def real_settings(llama_server, llm_settings):  # type: ignore[no-untyped-def]
    def build(**overrides):  # type: ignore[no-untyped-def]
        values = {
            "llm_provider": "vllm",
            "llm_api_key": llama_server.api_key,
            "llm_model": llama_server.model,
            "llm_timeout": 180.0,
            "llm_deadline": 240.0,
            "llm_retries": 0,
        }
        values.update(overrides)
        return llm_settings(llama_server.url, **values)

    return build


def marker() -> str:
    return uuid.uuid4().hex[:8]


def test_reply_is_schema_valid(real_settings, waiting_case) -> None:  # type: ignore[no-untyped-def]
    """GIVEN the grounded prompt WHEN the real model answers THEN the reply fits the bounded schema."""
    settings = real_settings()
    explainer = GroundedExplainer.from_settings(settings)
    prompt = explainer.ground(waiting_case(marker()))

    reply = ChatClient(ProviderConfig.from_settings(settings)).complete(prompt.messages, schema=REPLY_SCHEMA, schema_name=SCHEMA_NAME)

    assert reply.finish_reason == "stop"
    parsed = parse_reply(reply.content)
    assert parsed.summary
    assert parsed.cause
    assert parsed.next_step
    assert (reply.prompt_tokens or 0) > 0
    assert (reply.completion_tokens or 0) > 0
    assert reply.attempts == 1
    assert reply.model


def test_explainer_records_call(real_settings, waiting_case) -> None:  # type: ignore[no-untyped-def]
    explainer = make_explainer(real_settings())
    case = waiting_case(marker())

    text = explainer(case)

    record = case.explanation_record
    assert record.provider == "vllm"
    assert record.model
    assert len(record.prompt_sha256 or "") == 64
    assert (record.prompt_tokens or 0) > 0
    assert (record.completion_tokens or 0) > 0
    assert (record.latency_ms or 0) > 0
    assert record.finish_reason == "stop"
    assert record.outcome in {"accepted", "rejected"}
    if record.outcome == "accepted":
        assert record.source == "llm"
        assert "Next step:" in text
    else:
        assert text == template_explanation(case)
        assert not (record.reason or "").startswith(PLUMBING_FAILURES), record.reason


def test_cached_prompt_not_sent_again(real_settings, waiting_case) -> None:  # type: ignore[no-untyped-def]
    explainer = make_explainer(real_settings())
    same = marker()
    first, second = waiting_case(same), waiting_case(same)

    first_text = explainer(first)
    second_text = explainer(second)

    assert second_text == first_text
    assert second.explanation_record.cached is True
    assert second.explanation_record.attempts == 0
    assert second.explanation_record.prompt_sha256 == first.explanation_record.prompt_sha256


def test_timeout_fires(real_settings, waiting_case) -> None:  # type: ignore[no-untyped-def]
    case = waiting_case(marker())

    make_explainer(real_settings(llm_timeout=0.05, llm_retries=0))(case)

    assert case.explanation_record.outcome == "fallback"
    assert (case.explanation_record.reason or "").startswith("timeout")
    assert (case.explanation_record.latency_ms or 0) < 5000


def test_wrong_key_rejected(real_settings, waiting_case) -> None:  # type: ignore[no-untyped-def]
    case = waiting_case(marker())

    make_explainer(real_settings(llm_api_key="wrong-key"))(case)

    assert case.explanation_record.outcome == "fallback"
    assert (case.explanation_record.reason or "").startswith("auth")
