"""The one settings object, read from `DOCMATCH_*` environment variables.

Defaults are safe and offline: an SQLite database under the data folder, in-process
execution, no Odoo connection, no LLM provider and nothing sent anywhere. Each setting
is validated when `load_settings()` runs, so a wrong value fails at start with the
variable's name instead of halfway through a batch.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from pydantic_settings.exceptions import SettingsError

from docmatch.errors import ConfigurationError


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DOCMATCH_", extra="ignore", frozen=True)

    # --- general --------------------------------------------------------------------
    data_dir: Path = Field(default=Path.home() / ".local" / "share" / "docmatch", description="Stored documents, cache and the default SQLite database.")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(default="INFO", description="Log level of workers and servers; the command line logs warnings unless --log-level says otherwise.")
    rules_file: Path | None = Field(default=None, description="YAML tolerance policy; the bundled defaults apply when unset.")
    company_timezone: str = Field(default="UTC", description="IANA time zone in which document dates are compared with Odoo dates.")

    # --- storage and workers --------------------------------------------------------
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; defaults to SQLite in data_dir.")
    broker_url: str = Field(default="redis://127.0.0.1:6379/0", description="Celery broker (Redis) for the workers.")
    queue_prefix: str = Field(default="docmatch", pattern=r"^[A-Za-z0-9_.-]+$", description="Celery queues are '<prefix>.ocr' and '<prefix>.io'.")
    result_backend: str | None = Field(default=None, description="Celery result backend; unset, task results are not kept (states live in the database).")
    visibility_timeout: int = Field(default=3600, ge=10, description="Seconds Redis waits before handing an unacknowledged task to another worker; must exceed the longest task time limit.")
    extract_time_limit: int = Field(default=600, ge=1, description="Hard limit in seconds for one extraction task (OCR); the worker process is killed past it.")
    task_time_limit: int = Field(default=120, ge=1, description="Hard limit in seconds for the other tasks (matching, reporting, Odoo calls).")
    max_attempts: int = Field(default=5, ge=1, description="Times a stage may start for one document before the document is marked failed.")
    stuck_after: int = Field(default=7200, ge=1, description="Seconds a document may stay in one state before the sweeper queues its next task again.")
    sweep_interval: int = Field(default=300, ge=1, description="Seconds between two sweeps for stuck documents (Celery beat).")
    poll_interval: int = Field(default=60, ge=1, description="Seconds between two polls of the intake channels and of Odoo for changes (Celery beat).")
    ticket_opener: str | None = Field(default=None, description="'module:function' that opens the Helpdesk ticket of a case; unset, cases are recorded without a ticket.")
    pipeline_hook: str | None = Field(default=None, description="'module:function' called with each worker's pipeline context before use, to adjust it (tests, benchmarks).")
    metrics_port: int | None = Field(default=None, ge=1, le=65535, description="Port on which each worker serves Prometheus metrics; unset, none is served.")

    # --- intake ---------------------------------------------------------------------
    intake_file: Path | None = Field(default=None, description="YAML file describing the intake channels (mailboxes, SFTP drops, folders, Odoo Documents); see the README.")
    intake_webhook_token: SecretStr | None = Field(default=None, description="Long random token in the Odoo webhook URL /webhooks/odoo/<token>; the webhook responds with 404 while unset.")
    intake_upload_token: SecretStr | None = Field(default=None, description="Bearer token for POST /documents; uploads get a 404 response while unset.")
    intake_dispatch: Literal["inline", "workers", "store"] = Field(
        default="inline", description="What intake does with a new document: inline runs the pipeline in the receiving process, workers queues it for Celery, store only records it."
    )

    # --- extraction -----------------------------------------------------------------
    ocr_languages: str = Field(default="eng+deu+fra+nld+spa+ita", description="Tesseract language codes joined by '+'.")
    ocr_dpi: int = Field(default=300, ge=150, le=600, description="Working resolution in dots per inch for pages rendered for OCR.")
    low_confidence: float = Field(default=0.6, ge=0.0, le=1.0, description="Fields below this confidence are flagged for review.")

    # --- Odoo -----------------------------------------------------------------------
    odoo_url: str | None = Field(default=None, description="Base URL of a live Odoo, e.g. https://odoo.example.com.")
    odoo_db: str | None = Field(default=None, description="Odoo database name.")
    odoo_user: str | None = Field(default=None, description="Login of the Odoo user docmatch works as.")
    odoo_api_key: SecretStr | None = Field(default=None, description="API key of that user; never logged or shown in errors.")
    odoo_company_ids: Annotated[list[int], NoDecode] = Field(default=[], description="Companies docmatch works in, as a JSON list or comma-separated ids; sent as allowed_company_ids.")
    odoo_protocol: Literal["auto", "xmlrpc", "jsonrpc", "json2"] = Field(default="auto", description="auto: XML-RPC on Odoo 16-18, JSON-2 on 19.")
    odoo_timeout: float = Field(default=30.0, gt=0, description="Seconds per Odoo call.")
    odoo_snapshot: Path | None = Field(default=None, description="Snapshot folder used instead of a live Odoo.")
    helpdesk_team: str | None = Field(default=None, description="Name of the Helpdesk team that gets docmatch's tickets; unset, Odoo's default team.")
    helpdesk_tags: Annotated[list[str], NoDecode] = Field(default=["docmatch"], description="Tag names put on every docmatch ticket, as a JSON list or comma-separated; missing tags are created.")

    # --- explanations ---------------------------------------------------------------
    llm_provider: Literal["none", "openai", "azure", "vllm", "ollama", "litellm"] = Field(default="none", description="Who writes explanations besides the template; none sends nothing anywhere.")
    llm_base_url: str | None = Field(default=None, description="Base URL of the OpenAI-compatible API (…/v1), or the Azure resource endpoint.")
    llm_api_key: SecretStr | None = Field(default=None, description="API key of the LLM provider; never logged.")
    llm_model: str | None = Field(default=None, description="Model name the provider serves.")
    llm_timeout: float = Field(default=20.0, gt=0, description="Seconds per LLM request.")
    llm_retries: int = Field(default=1, ge=0, le=5, description="Extra attempts after a timeout, a 429 or a 5xx; the SDK's own retries are off.")
    llm_deadline: float = Field(default=60.0, gt=0, description="Seconds one explanation may spend on the provider, retries and waits included.")
    llm_max_tokens: int = Field(default=400, ge=64, le=4096, description="Completion tokens allowed per request.")
    llm_response_format: Literal["json_schema", "json_object"] = Field(default="json_schema", description="json_object for endpoints that reject json_schema (llama-cpp-python's server, Azure api-versions before 2024-08-01-preview).")
    llm_azure_api_version: str = Field(default="2024-10-21", description="Azure OpenAI api-version query parameter.")
    llm_azure_deployment: str | None = Field(default=None, description="Azure OpenAI deployment name; defaults to DOCMATCH_LLM_MODEL.")
    llm_redact: Annotated[list[Literal["email", "phone", "iban", "name"]], NoDecode] = Field(default=["email", "phone", "iban", "name"], description="Personal data replaced by placeholders before a request leaves the machine, as a JSON list or comma-separated.")
    llm_cache_dir: Path | None = Field(default=None, description="Explanation cache and audit log; defaults to data_dir/explanations.")
    llm_cache_days: int = Field(default=90, ge=1, description="Days a cached explanation is reused; older entries are requested again, and the daily clean-up task deletes them.")

    # --- web interface --------------------------------------------------------------
    web_base_url: str = Field(default="http://127.0.0.1:8080", description="Public address of `docmatch serve`, used in the evidence links placed in tickets.")
    web_secret: SecretStr | None = Field(default=None, description="Key that signs evidence links; a random key is kept in data_dir when unset.")
    web_link_ttl_hours: float = Field(default=24 * 14, gt=0, description="Hours an evidence link stays valid.")
    web_users_file: Path | None = Field(default=None, description="File of 'user:pbkdf2_sha256$iterations$salt$hash' lines allowed to log in.")
    web_auth_header: str | None = Field(default=None, description="Header a trusted reverse proxy sets to the logged-in user, e.g. X-Forwarded-User.")

    @field_validator("odoo_company_ids", "helpdesk_tags", "llm_redact", mode="before")
    @classmethod
    def _list_from_text(cls, value: object) -> object:
        """Accept a JSON list or a comma-separated list in the environment variable."""
        if not isinstance(value, str):
            return value
        text = value.strip()
        if text.startswith("["):
            try:
                return json.loads(text)
            except ValueError as exc:
                raise ValueError(f"not a valid JSON list: {exc}") from None
        return [item.strip() for item in text.split(",") if item.strip()]

    @field_validator("company_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}; use an IANA name such as Europe/Berlin") from exc
        return value

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'docmatch.sqlite3'}"


def load_settings(**overrides: object) -> Settings:
    """Build the settings from the environment, with keyword overrides from the command line.

    Raises:
        ConfigurationError: naming each invalid variable and why.
    """
    try:
        return Settings(**{key: value for key, value in overrides.items() if value is not None})
    except SettingsError as exc:
        raise ConfigurationError(f"invalid settings: {exc}", hint="fix the environment variable named above") from None
    except ValidationError as exc:
        problems = "; ".join(_describe(error) for error in exc.errors())
        raise ConfigurationError(f"invalid settings: {problems}", hint="fix the environment variables named above") from None


def _describe(error: dict) -> str:  # type: ignore[type-arg]
    """Return 'DOCMATCH_NAME: message', naming the list item for an invalid element."""
    name, *rest = error["loc"] or ("?",)
    item = f" (item {int(rest[0]) + 1})" if rest and isinstance(rest[0], int) else ""
    return f"DOCMATCH_{str(name).upper()}{item}: {error['msg']}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings, read once."""
    return load_settings()


def settings_markdown() -> str:
    """Return the Markdown table of every setting, its default and description (docs/settings.md)."""
    rows = ["| variable | default | description |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        default = field.default
        if isinstance(default, Path) and str(default).startswith(str(Path.home())):
            default = "~/" + str(default.relative_to(Path.home()))
        shown = "unset" if default is None else f"`{default}`"
        rows.append(f"| `DOCMATCH_{name.upper()}` | {shown} | {field.description or ''} |")
    header = "# Settings\n\nEvery setting is an environment variable, read once at start and validated.\nGenerated by `python -m docmatch.settings`; do not edit by hand.\n\n"
    return header + "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(settings_markdown(), end="")
