"""A chat-completions client for OpenAI-compatible providers, with docmatch's own retry budget.

One client serves OpenAI, Azure OpenAI, vLLM, Ollama and a LiteLLM proxy through the
official `openai` SDK. What differs between them is in `PROFILES`: the default address,
whether a key is needed and which token-limit parameter to send. Azure uses the SDK's
`AzureOpenAI` client, so the request goes to
`/openai/deployments/{deployment}/chat/completions?api-version=...` with an `api-key`
header.

The SDK's own retries are off (`max_retries=0`): a retried slow request would otherwise
multiply the load on a slow provider unseen. This module retries timeouts, connection
failures, 408, 409, 429 and 5xx itself, at most `llm_retries` times, honouring
Retry-After when it fits the deadline. No attempt starts after `llm_deadline` seconds,
and each attempt's timeout is cut to the time left. Every other failure is final at once.

NOTE: the timeout is httpx's read timeout, the longest wait for the next bytes. A server
that trickles a response out slowly can take longer than the timeout in total.
"""

from __future__ import annotations

import email.utils
import logging
import random
import time
from dataclasses import dataclass
from typing import Any

import openai

from docmatch.errors import ConfigurationError, ExplanationError
from docmatch.settings import Settings

log = logging.getLogger(__name__)

# Backoff before retry n (1-based) is BACKOFF_SECONDS * 2**(n-1), +-25 % jitter, capped.
BACKOFF_SECONDS = 0.5
MAX_BACKOFF_SECONDS = 8.0
# A connection must open within this many seconds, whatever the request timeout.
CONNECT_TIMEOUT_SECONDS = 5.0
TRANSIENT_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class ProviderProfile:
    default_base_url: str | None
    needs_api_key: bool
    # OpenAI's reasoning models reject max_tokens; the local servers document max_tokens.
    token_parameter: str


PROFILES: dict[str, ProviderProfile] = {
    "openai": ProviderProfile(None, needs_api_key=True, token_parameter="max_completion_tokens"),
    "azure": ProviderProfile(None, needs_api_key=True, token_parameter="max_completion_tokens"),
    "vllm": ProviderProfile("http://127.0.0.1:8000/v1", needs_api_key=False, token_parameter="max_tokens"),
    "ollama": ProviderProfile("http://127.0.0.1:11434/v1", needs_api_key=False, token_parameter="max_tokens"),
    "litellm": ProviderProfile("http://127.0.0.1:4000/v1", needs_api_key=False, token_parameter="max_tokens"),
}

# The SDK requires a key; servers started without one (Ollama, vLLM) ignore it.
PLACEHOLDER_API_KEY = "not-needed"


class ProviderError(ExplanationError):
    """A request to the LLM provider failed; `reason` is a short code for the audit record.

    Reasons: timeout, connection, rate_limited, server_error, auth, not_found,
    bad_request, content_filter, invalid_response, deadline.
    """

    hint = "docmatch used the template explanation; check the DOCMATCH_LLM_* settings and the provider's status"

    def __init__(self, message: str, *, reason: str, transient: bool = False, status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.transient = transient
        self.status = status
        self.retry_after = retry_after
        # Requests sent before giving up; set by ChatClient.complete.
        self.attempts = 0


@dataclass(frozen=True)
class ProviderConfig:
    """Everything needed to talk to one provider, checked when built."""

    provider: str
    model: str
    base_url: str | None
    api_key: str
    timeout: float
    retries: int
    deadline: float
    max_tokens: int
    response_format: str
    azure_api_version: str

    @classmethod
    def from_settings(cls, settings: Settings) -> ProviderConfig:
        """Build the configuration of `settings.llm_provider`.

        Raises:
            ConfigurationError: a setting the provider needs is missing.
        """
        provider = settings.llm_provider
        if provider == "none":
            raise ConfigurationError("no LLM provider is configured", hint="set DOCMATCH_LLM_PROVIDER")
        profile = PROFILES[provider]
        model = (settings.llm_azure_deployment if provider == "azure" else None) or settings.llm_model
        if not model:
            variable = "DOCMATCH_LLM_AZURE_DEPLOYMENT or DOCMATCH_LLM_MODEL" if provider == "azure" else "DOCMATCH_LLM_MODEL"
            raise ConfigurationError(f"DOCMATCH_LLM_PROVIDER={provider} needs a model name", hint=f"set {variable}")
        base_url = settings.llm_base_url or profile.default_base_url
        if provider == "azure" and not base_url:
            raise ConfigurationError("Azure OpenAI needs the resource endpoint", hint="set DOCMATCH_LLM_BASE_URL to https://<resource>.openai.azure.com")
        api_key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else ""
        if profile.needs_api_key and not api_key:
            raise ConfigurationError(f"DOCMATCH_LLM_PROVIDER={provider} needs an API key", hint="set DOCMATCH_LLM_API_KEY")
        return cls(
            provider=provider,
            model=model,
            base_url=base_url,
            api_key=api_key or PLACEHOLDER_API_KEY,
            timeout=settings.llm_timeout,
            retries=settings.llm_retries,
            deadline=settings.llm_deadline,
            max_tokens=settings.llm_max_tokens,
            response_format=settings.llm_response_format,
            azure_api_version=settings.llm_azure_api_version,
        )

    @property
    def token_parameter(self) -> str:
        return PROFILES[self.provider].token_parameter


@dataclass(frozen=True)
class ChatReply:
    """The content, finish reason and usage of one successful response."""

    content: str | None
    finish_reason: str | None
    model: str | None
    prompt_tokens: int | None
    completion_tokens: int | None
    attempts: int


class ChatClient:
    """Send chat-completion requests to one provider within the retry budget."""

    def __init__(self, config: ProviderConfig, *, sleep=time.sleep) -> None:  # type: ignore[no-untyped-def]
        self.config = config
        self._sleep = sleep
        self._client = open_sdk_client(config)

    def complete(self, messages: list[dict[str, str]], *, schema: dict[str, Any], schema_name: str) -> ChatReply:
        """Send one request, retrying transient failures; return the first reply.

        Raises:
            ProviderError: the request failed for good or the budget ran out.
        """
        request = self._request(messages, schema=schema, schema_name=schema_name)
        deadline = time.monotonic() + self.config.deadline
        attempt = 0
        while True:
            attempt += 1
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                error = ProviderError(f"no response within the {self.config.deadline:g} s deadline", reason="deadline", transient=True)
                error.attempts = attempt - 1
                raise error
            try:
                response = self._send(request, timeout=min(self.config.timeout, remaining))
            except ProviderError as error:
                error.attempts = attempt
                wait = self._wait_before_retry(error, attempt, deadline)
                if wait is None:
                    raise
                log.warning("LLM request failed (%s), attempt %d; retrying in %.1f s", error.reason, attempt, wait)
                self._sleep(wait)
                continue
            return _reply_of(response, attempts=attempt)

    def _request(self, messages: list[dict[str, str]], *, schema: dict[str, Any], schema_name: str) -> dict[str, Any]:
        if self.config.response_format == "json_schema":
            # strict=False: OpenAI's strict mode rejects maxLength, and the grammar-based local
            # servers (llama.cpp, vLLM, Ollama) enforce the schema whatever the flag is. The
            # reply is validated here in every case.
            response_format: dict[str, Any] = {"type": "json_schema", "json_schema": {"name": schema_name, "strict": False, "schema": schema}}
        else:
            response_format = {"type": "json_object"}
        return {
            "model": self.config.model,
            "messages": messages,
            "temperature": 0,
            "response_format": response_format,
            self.config.token_parameter: self.config.max_tokens,
        }

    def _send(self, request: dict[str, Any], *, timeout: float) -> Any:
        client = self._client.with_options(timeout=openai.Timeout(timeout, connect=min(CONNECT_TIMEOUT_SECONDS, timeout)))
        try:
            return client.chat.completions.create(**request)
        except openai.APIError as exc:
            raise translate_error(exc, timeout=timeout) from exc

    def _wait_before_retry(self, error: ProviderError, attempt: int, deadline: float) -> float | None:
        """Return the seconds to wait before the next attempt, or None to give up."""
        if not error.transient or attempt > self.config.retries:
            return None
        backoff = min(MAX_BACKOFF_SECONDS, BACKOFF_SECONDS * 2 ** (attempt - 1)) * random.uniform(0.75, 1.25)
        wait = max(backoff, error.retry_after or 0.0)
        # A wait that would leave no time for the request itself is not worth it.
        if time.monotonic() + wait >= deadline:
            return None
        return wait


def open_sdk_client(config: ProviderConfig) -> openai.OpenAI:
    """Open the SDK client for the provider, with the SDK's retries off."""
    common: dict[str, Any] = {"api_key": config.api_key, "timeout": config.timeout, "max_retries": 0}
    if config.provider == "azure":
        return openai.AzureOpenAI(
            azure_endpoint=config.base_url,
            azure_deployment=config.model,
            api_version=config.azure_api_version,
            **common,
        )
    return openai.OpenAI(base_url=config.base_url, **common)


def translate_error(exc: openai.APIError, *, timeout: float) -> ProviderError:
    """Turn an SDK exception into a ProviderError with a reason code."""
    if isinstance(exc, openai.APITimeoutError):
        return ProviderError(f"the request timed out after {timeout:g} s", reason="timeout", transient=True)
    if isinstance(exc, openai.APIConnectionError):
        return ProviderError(f"cannot connect to the provider: {exc}", reason="connection", transient=True)
    if isinstance(exc, openai.APIStatusError):
        return _status_error(exc)
    return ProviderError(f"the provider's reply is invalid: {exc}", reason="invalid_response")


def _status_error(exc: openai.APIStatusError) -> ProviderError:
    status = exc.status_code
    code = _error_code(exc)
    if status == 429:
        reason = "rate_limited"
    elif status >= 500:
        reason = "server_error"
    elif status in (401, 403):
        reason = "auth"
    elif status == 404:
        reason = "not_found"
    elif code == "content_filter":
        reason = "content_filter"
    else:
        reason = "bad_request"
    return ProviderError(
        f"the provider returned HTTP {status} ({reason})",
        reason=reason,
        transient=status in TRANSIENT_STATUSES,
        status=status,
        retry_after=retry_after_seconds(exc.response.headers),
    )


def _error_code(exc: openai.APIStatusError) -> str | None:
    # The SDK keeps the inner "error" object as the body; other servers send it bare.
    body = exc.body if isinstance(exc.body, dict) else {}
    inner = body.get("error") if isinstance(body.get("error"), dict) else body
    code = getattr(exc, "code", None) or inner.get("code")
    return str(code) if code else None


def retry_after_seconds(headers: Any) -> float | None:
    """Read `retry-after-ms` or `retry-after` (seconds or an HTTP date); None when absent or invalid."""
    if headers is None:
        return None
    milliseconds = headers.get("retry-after-ms")
    if milliseconds:
        try:
            return max(0.0, float(milliseconds) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, email.utils.parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _reply_of(response: Any, *, attempts: int) -> ChatReply:
    choice = response.choices[0] if response.choices else None
    usage = getattr(response, "usage", None)
    return ChatReply(
        content=choice.message.content if choice else None,
        finish_reason=choice.finish_reason if choice else None,
        model=getattr(response, "model", None),
        prompt_tokens=getattr(usage, "prompt_tokens", None),
        completion_tokens=getattr(usage, "completion_tokens", None),
        attempts=attempts,
    )
