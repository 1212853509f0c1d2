"""The explainer the pipeline calls: the template, or an LLM grounded in the findings.

`make_explainer(settings)` returns the template explainer when no provider is
configured, and nothing leaves the machine. Otherwise it returns a `GroundedExplainer`,
which for each case with findings:

1. builds the prompt from the verified findings, with personal data redacted;
2. returns the cached verdict when the same prompt was judged before;
3. sends the request to the provider within the retry budget, unless the provider is paused after
   repeated failures;
4. accepts the reply only if it finished normally, matches the schema and cites
   nothing that is not in the findings; otherwise the template text is used.

Either way the case gets an `ExplanationRecord` (provider, model, prompt hash, tokens,
latency, outcome), a line in the audit log and a count in the metrics. The explainer
reads the case and returns text: it never changes a finding, a severity or whether
the case opens a ticket.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

from docmatch.explain import audit
from docmatch.explain.audit import AuditLog, CachedVerdict, ExplanationCache, cache_key
from docmatch.explain.grounding import REPLY_SCHEMA, GroundedPrompt, ReplyRejected, build_prompt, case_facts, check_grounding, parse_reply
from docmatch.explain.llm import ChatClient, ChatReply, ProviderConfig, ProviderError
from docmatch.explain.redact import Redactor
from docmatch.models import Case, ExplanationRecord, Severity
from docmatch.reporting.explain import template_explanation
from docmatch.settings import Settings

log = logging.getLogger(__name__)

SCHEMA_NAME = "docmatch_explanation"
# After this many failed explanations in a row, the provider is left alone for a while:
# each case would otherwise wait out the whole retry budget of a provider that is down.
FAILURES_BEFORE_PAUSE = 3
PAUSE_SECONDS = 60.0

Explainer = Callable[[Case], str]


def make_explainer(settings: Settings) -> Explainer:
    """Return the explainer for the configured provider; the template one for "none".

    Raises:
        ConfigurationError: the provider is missing a setting it needs.
    """
    if settings.llm_provider == "none":
        return template_explainer
    return GroundedExplainer.from_settings(settings)


def template_explainer(case: Case) -> str:
    """Explain with the template only, and count it."""
    case.explanation_record = ExplanationRecord()
    audit.count(case.explanation_record)
    return template_explanation(case)


class ProviderGate:
    """Pause requests after repeated failures; thread-safe, one per explainer."""

    def __init__(self, *, failures_before_pause: int = FAILURES_BEFORE_PAUSE, pause_seconds: float = PAUSE_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.failures_before_pause = failures_before_pause
        self.pause_seconds = pause_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._paused_until = 0.0

    def paused(self) -> bool:
        with self._lock:
            return self._clock() < self._paused_until

    def failure(self) -> None:
        with self._lock:
            self._failures += 1
            if self._failures >= self.failures_before_pause:
                self._paused_until = self._clock() + self.pause_seconds
                self._failures = 0
                log.warning("LLM provider failed %d times in a row; using the template for %.0f s", self.failures_before_pause, self.pause_seconds)

    def success(self) -> None:
        with self._lock:
            self._failures = 0


class GroundedExplainer:
    """Explain a case with an LLM, grounded in its findings, falling back to the template."""

    def __init__(
        self,
        config: ProviderConfig,
        *,
        cache_dir: Path,
        redact: list[str] | tuple[str, ...],
        cache_days: int = 90,
        client: ChatClient | None = None,
        gate: ProviderGate | None = None,
    ) -> None:
        self.config = config
        self.client = client or ChatClient(config)
        self.redact = tuple(redact)
        self.cache = ExplanationCache(cache_dir, max_age=timedelta(days=cache_days))
        self.audit_log = AuditLog(cache_dir)
        self.gate = gate or ProviderGate()

    @classmethod
    def from_settings(cls, settings: Settings) -> GroundedExplainer:
        config = ProviderConfig.from_settings(settings)
        cache_dir = settings.llm_cache_dir or settings.data_dir / "explanations"
        log.info("explanations by %s model %s, redacting %s", config.provider, config.model, ", ".join(settings.llm_redact) or "nothing")
        return cls(config, cache_dir=cache_dir, redact=settings.llm_redact, cache_days=settings.llm_cache_days)

    def __call__(self, case: Case) -> str:
        template = template_explanation(case)
        if not case.findings:
            text, record = template, ExplanationRecord(reason="no findings to explain")
        else:
            try:
                text, record = self._explain(case, template)
            except Exception:  # an explanation must never cost the case: log it, use the template
                log.exception("explaining the case failed; using the template")
                text, record = template, self._record(None, outcome="fallback", reason="internal error")
        case.explanation_record = record
        if record.provider:
            self.audit_log.write(record, document_sha256=case.document.sha256)
        audit.count(record)
        return text

    def ground(self, case: Case) -> GroundedPrompt:
        """Build the grounded prompt of a case, with personal data replaced."""
        redactor = Redactor(self.redact)
        facts = redactor.value(case_facts(case))
        severities = frozenset(Severity(finding.severity).value for finding in case.findings)
        return build_prompt(facts, severities=severities, schema_in_prompt=self.config.response_format == "json_object", redactions=redactor.total)

    def _explain(self, case: Case, template: str) -> tuple[str, ExplanationRecord]:
        # Build the prompt from the verified findings only, redacted.
        prompt = self.ground(case)
        key = cache_key(prompt.sha256, provider=self.config.provider, model=self.config.model)

        # A prompt judged before costs nothing.
        cached = self.cache.get(key)
        if cached is not None:
            return self._from_cache(cached, template, prompt)

        # A provider that keeps failing is left alone for a while.
        if self.gate.paused():
            return template, self._record(prompt, outcome="fallback", reason="provider paused after repeated failures")

        # Ask the provider within the retry budget.
        started = time.monotonic()
        try:
            reply = self.client.complete(prompt.messages, schema=REPLY_SCHEMA, schema_name=SCHEMA_NAME)
        except ProviderError as error:
            self.gate.failure()
            log.warning("LLM explanation failed (%s); using the template", error.reason)
            latency_ms = (time.monotonic() - started) * 1000
            record = self._record(prompt, outcome="fallback", reason=f"{error.reason}: {error.message}", latency_ms=latency_ms)
            record.attempts = error.attempts
            return template, record
        self.gate.success()
        latency_ms = (time.monotonic() - started) * 1000

        # Judge the reply, and keep the verdict for the next identical prompt.
        text, reason = self._judge(reply, prompt)
        reason = _clip_reason(reason)
        self.cache.put(key, self._verdict(reply, prompt, text=text, reason=reason))
        outcome = "accepted" if text is not None else "rejected"
        if text is None:
            log.info("LLM reply rejected (%s); using the template", reason)
        record = self._record(prompt, outcome=outcome, reason=reason, reply=reply, latency_ms=latency_ms)
        return (text if text is not None else template), record

    def _judge(self, reply: ChatReply, prompt: GroundedPrompt) -> tuple[str | None, str | None]:
        """Return (explanation text, None) for a usable reply, else (None, why not)."""
        if reply.finish_reason == "content_filter":
            return None, "the provider's content filter stopped the reply"
        if reply.finish_reason == "length":
            return None, "the reply was cut off at the token limit"
        if reply.finish_reason != "stop":
            return None, f"unexpected finish reason {reply.finish_reason!r}"
        try:
            parsed = parse_reply(reply.content)
        except ReplyRejected as rejection:
            return None, rejection.reason
        problems = check_grounding(parsed, prompt)
        if problems:
            return None, "; ".join(problems)
        return parsed.text(), None

    def _from_cache(self, cached: CachedVerdict, template: str, prompt: GroundedPrompt) -> tuple[str, ExplanationRecord]:
        record = ExplanationRecord(
            source="llm" if cached.accepted else "template",
            provider=cached.provider,
            model=cached.model,
            prompt_sha256=prompt.sha256,
            outcome="cached" if cached.accepted else "rejected",
            prompt_tokens=cached.prompt_tokens,
            completion_tokens=cached.completion_tokens,
            latency_ms=0.0,
            reason=cached.reason,
            cached=True,
            attempts=0,
            finish_reason=cached.finish_reason,
            redactions=prompt.redactions,
        )
        return (cached.text if cached.accepted and cached.text else template), record

    def _verdict(self, reply: ChatReply, prompt: GroundedPrompt, *, text: str | None, reason: str | None) -> CachedVerdict:
        return CachedVerdict(
            accepted=text is not None,
            text=text,
            reason=reason,
            provider=self.config.provider,
            model=reply.model or self.config.model,
            prompt_sha256=prompt.sha256,
            prompt_tokens=reply.prompt_tokens,
            completion_tokens=reply.completion_tokens,
            finish_reason=reply.finish_reason,
            created_at=datetime.now(timezone.utc),
        )

    def _record(
        self,
        prompt: GroundedPrompt | None,
        *,
        outcome: str,
        reason: str | None,
        reply: ChatReply | None = None,
        latency_ms: float | None = None,
    ) -> ExplanationRecord:
        return ExplanationRecord(
            source="llm" if outcome == "accepted" else "template",
            provider=self.config.provider,
            model=(reply.model if reply and reply.model else self.config.model),
            prompt_sha256=prompt.sha256 if prompt else None,
            outcome=outcome,  # type: ignore[arg-type]
            prompt_tokens=reply.prompt_tokens if reply else None,
            completion_tokens=reply.completion_tokens if reply else None,
            latency_ms=round(latency_ms, 1) if latency_ms is not None else None,
            reason=_clip_reason(reason),
            attempts=reply.attempts if reply else None,
            finish_reason=reply.finish_reason if reply else None,
            redactions=prompt.redactions if prompt else None,
        )


def _clip_reason(reason: str | None, limit: int = 500) -> str | None:
    """Shorten a reason and redact it: it quotes reply text, and it is logged and audited."""
    if reason is None:
        return None
    reason = Redactor().text(reason)
    return reason if len(reason) <= limit else reason[: limit - 1] + "…"
