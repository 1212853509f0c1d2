"""Provider shapes and injected failures against llm-katan's echo backend.

llm-katan emulates the Azure OpenAI routes (deployment path, api-version, `api-key`
header, content-filter fields) and can return 429, 500 or 504 on demand. Its echo
reply is not JSON, so a request that gets through ends as a rejected reply: what these
tests check is that the request was accepted by the emulated provider and that docmatch
recorded the call.
"""

from __future__ import annotations

from docmatch.explain import make_explainer
from docmatch.reporting.explain import template_explanation

KEY = "katan-key"


def azure_settings(llm_settings, server, **overrides):  # type: ignore[no-untyped-def]
    values = {
        "llm_provider": "azure",
        "llm_base_url": server.url,
        "llm_model": None,
        "llm_azure_deployment": server.deployment,
        "llm_api_key": KEY,
    }
    values.update(overrides)
    return llm_settings(server.url, **values)


def test_azure_request_accepted(katan, llm_settings, waiting_case) -> None:  # type: ignore[no-untyped-def]
    """GIVEN the Azure emulation WHEN docmatch calls its deployment THEN the call is authorised and recorded."""
    server = katan()
    case = waiting_case()

    text = make_explainer(azure_settings(llm_settings, server))(case)

    record = case.explanation_record
    assert text == template_explanation(case)
    assert record.provider == "azure"
    assert record.outcome == "rejected"
    assert (record.reason or "").startswith("reply is not JSON")
    assert record.attempts == 1
    assert record.finish_reason == "stop"
    assert (record.prompt_tokens or 0) > 0


def test_openai_request_accepted(katan, llm_settings, waiting_case) -> None:  # type: ignore[no-untyped-def]
    server = katan()
    case = waiting_case()

    make_explainer(llm_settings(server.url, llm_provider="openai", llm_model=server.deployment, llm_api_key=KEY))(case)

    assert case.explanation_record.outcome == "rejected"
    assert case.explanation_record.attempts == 1


def test_rate_limit_falls_back(katan, llm_settings, waiting_case) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a provider that returns 429 after one request THEN docmatch retries once and falls back."""
    server = katan("--rate-limit-after", "1")
    explainer = make_explainer(azure_settings(llm_settings, server, llm_retries=1))
    explainer(waiting_case("first"))
    case = waiting_case("second")

    text = explainer(case)

    assert text == template_explanation(case)
    assert case.explanation_record.outcome == "fallback"
    assert (case.explanation_record.reason or "").startswith("rate_limited")
    assert case.explanation_record.attempts == 2


def test_server_errors_fall_back(katan, llm_settings, waiting_case) -> None:  # type: ignore[no-untyped-def]
    server = katan("--error-rate", "1.0")
    case = waiting_case()

    make_explainer(azure_settings(llm_settings, server, llm_retries=1))(case)

    assert case.explanation_record.outcome == "fallback"
    assert (case.explanation_record.reason or "").startswith("server_error")


def test_gateway_timeout_falls_back(katan, llm_settings, waiting_case) -> None:  # type: ignore[no-untyped-def]
    server = katan("--timeout-after", "1")
    explainer = make_explainer(llm_settings(server.url, llm_provider="openai", llm_model=server.deployment, llm_api_key=KEY, llm_retries=0))
    explainer(waiting_case("first"))
    case = waiting_case("second")

    explainer(case)

    assert case.explanation_record.outcome == "fallback"
    assert case.explanation_record.reason == "server_error: the provider returned HTTP 504 (server_error)"


def test_slow_provider_times_out(katan, llm_settings, waiting_case) -> None:  # type: ignore[no-untyped-def]
    server = katan("--latency-ms", "3000")
    case = waiting_case()

    make_explainer(azure_settings(llm_settings, server, llm_timeout=0.5, llm_retries=0))(case)

    assert case.explanation_record.outcome == "fallback"
    assert (case.explanation_record.reason or "").startswith("timeout")


def test_azure_wrong_key_falls_back(katan, llm_settings, waiting_case) -> None:  # type: ignore[no-untyped-def]
    server = katan("--validate-keys", "--api-keys", f"azure_openai={KEY}")
    case = waiting_case()

    make_explainer(azure_settings(llm_settings, server, llm_api_key="wrong-key"))(case)

    assert case.explanation_record.outcome == "fallback"
    assert (case.explanation_record.reason or "").startswith("auth")
    assert case.explanation_record.attempts == 1
