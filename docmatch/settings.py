"""The one settings object, read from `DOCMATCH_*` environment variables.

Defaults are safe and offline: an SQLite database under the data folder, in-process
execution, no Odoo connection, no LLM provider and nothing sent anywhere. Each setting
is validated when `load_settings()` runs, so a wrong value fails at start with the
variable's name instead of halfway through a batch.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, PrivateAttr, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from pydantic_settings.exceptions import SettingsError

from docmatch.errors import ConfigurationError

log = logging.getLogger(__name__)

ENV_PREFIX = "DOCMATCH_"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]

# URL schemes each address setting accepts.
HTTP_SCHEMES = ("http", "https")
BROKER_SCHEMES = ("redis", "rediss", "sentinel", "amqp", "amqps", "memory")
RESULT_SCHEMES = ("redis", "rediss", "sentinel", "db+postgresql", "db+postgresql+psycopg", "db+sqlite", "rpc")
_DOTTED_CALLABLE = r"^[A-Za-z_][A-Za-z0-9_.]*:[A-Za-z_][A-Za-z0-9_]*$"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", frozen=True)

    # --- general --------------------------------------------------------------------
    data_dir: Path = Field(
        default=Path.home() / ".local" / "share" / "docmatch",
        validate_default=True,
        description="Stored documents, quarantine, caches and the default SQLite database (the XDG data folder); created at start, must be writable.",
    )
    log_level: LogLevel = Field(default="INFO", description="Log level of workers and servers (DEBUG, INFO, WARNING or ERROR, any case); the command line logs warnings unless --log-level sets another level.")
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
    ticket_opener: str | None = Field(default=None, pattern=_DOTTED_CALLABLE, description="'module:function' that opens the Helpdesk ticket of a case; unset, cases are recorded without a ticket.")
    pipeline_hook: str | None = Field(default=None, pattern=_DOTTED_CALLABLE, description="'module:function' called with each worker's pipeline context before use, to adjust it (tests, benchmarks).")
    metrics_port: int | None = Field(default=None, ge=1, le=65535, description="Port on which each worker serves Prometheus metrics; unset, none is served.")

    # --- intake ---------------------------------------------------------------------
    intake_file: Path | None = Field(default=None, description="YAML file describing the intake channels (mailboxes, SFTP drops, folders, Odoo Documents); see the README.")
    intake_webhook_token: SecretStr | None = Field(default=None, description="Long random token in the Odoo webhook URL /webhooks/odoo/<token>; the webhook responds with 404 while unset.")
    intake_upload_token: SecretStr | None = Field(default=None, description="Bearer token for POST /documents; uploads get a 404 response while unset.")
    intake_dispatch: Literal["inline", "workers", "store"] = Field(
        default="inline", description="What intake does with a new document: inline runs the pipeline in the receiving process, workers queues it for Celery, store only records it."
    )

    # --- extraction -----------------------------------------------------------------
    ocr_languages: str = Field(default="eng+deu+fra+nld+spa+ita", pattern=r"^[A-Za-z0-9_]+(\+[A-Za-z0-9_]+)*$", description="Tesseract language codes joined by '+'.")
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
    web_auth_header: str | None = Field(default=None, pattern=r"^[A-Za-z0-9-]+$", description="Header a trusted reverse proxy sets to the logged-in user, e.g. X-Forwarded-User.")

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

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_log_level(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("data_dir", "llm_cache_dir")
    @classmethod
    def _writable_folder(cls, value: Path | None) -> Path | None:
        return None if value is None else ensure_writable_folder(value)

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str | None) -> str | None:
        if value is not None:
            check_database_url(value)
        return value

    @field_validator("odoo_url", "llm_base_url", "web_base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None:
            check_url(value, HTTP_SCHEMES, example="https://odoo.example.com")
        return value

    @field_validator("broker_url")
    @classmethod
    def _broker_url(cls, value: str) -> str:
        check_url(value, BROKER_SCHEMES, example="redis://127.0.0.1:6379/0")
        return value

    @field_validator("result_backend")
    @classmethod
    def _result_backend(cls, value: str | None) -> str | None:
        if value is not None:
            check_url(value, RESULT_SCHEMES, example="redis://127.0.0.1:6379/1")
        return value

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'docmatch.sqlite3'}"

    # The command-line option that supplied each value, by field name; `load_settings` fills it.
    _options: dict[str, str] = PrivateAttr(default_factory=dict)

    def source_of(self, name: str) -> str:
        """Return what set the field `name`: its command-line option if one did, else its DOCMATCH_ variable.

        Hints about a value that did not work (an Odoo URL nothing listens on) use it,
        so that they send the user to the place where they typed the value.
        """
        return self._options.get(name) or f"{ENV_PREFIX}{name.upper()}"


def ensure_writable_folder(path: Path) -> Path:
    """Create `path` if needed and check that docmatch can write files into it.

    Raises:
        ValueError: the folder cannot be created or written, with the reason.
    """
    path = path.expanduser()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValueError(f"folder {path} cannot be created ({exc.strerror or exc}); point it at a folder docmatch may write to") from None
    try:
        # A real write, because os.access() returns True for root even on read-only mounts.
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        raise ValueError(f"folder {path} is not writable ({exc.strerror or exc}); point it at a folder docmatch may write to") from None
    return path


def check_url(value: str, schemes: tuple[str, ...], *, example: str) -> None:
    """Check that `value` is a URL with one of `schemes`, a host and a valid port.

    The message never repeats the URL itself, because it may carry a password.

    Raises:
        ValueError: naming what is wrong and giving `example`.
    """
    parts = urlsplit(value.strip())
    if parts.scheme.lower() not in schemes:
        raise ValueError(f"URL scheme {parts.scheme or '(none)'!r} is not supported; use one of {', '.join(schemes)}, e.g. {example}")
    if parts.scheme.lower() in ("memory", "rpc", "db+sqlite"):
        return
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"the port of the URL is not a number from 1 to 65535, e.g. {example}") from None
    if port == 0:
        raise ValueError(f"the port of the URL is not a number from 1 to 65535, e.g. {example}")
    if not parts.hostname and "sentinel" not in parts.scheme:
        raise ValueError(f"the URL names no host, e.g. {example}")


def check_database_url(value: str) -> None:
    """Check that SQLAlchemy can parse `value`, has its driver installed, and that a port is valid.

    Raises:
        ValueError: naming what is wrong; the URL itself is not repeated.
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    example = "postgresql+psycopg://docmatch@127.0.0.1:5432/docmatch or sqlite:////var/lib/docmatch/docmatch.sqlite3"
    try:
        url = make_url(value)
    except (ArgumentError, ValueError):
        raise ValueError(f"not an SQLAlchemy database URL; use e.g. {example}") from None
    try:
        url.get_dialect().import_dbapi()
    except (NoSuchModuleError, ImportError):
        raise ValueError(f"no installed driver for {url.drivername!r}; use postgresql+psycopg or sqlite, e.g. {example}") from None
    if url.port is not None and not 1 <= url.port <= 65535:
        raise ValueError(f"the port of the URL is not a number from 1 to 65535, e.g. {example}")


def env_log_level(default: str = "WARNING") -> str:
    """Return DOCMATCH_LOG_LEVEL in upper case, or `default` when it is unset.

    The command line reads this one setting before the others, so that a wrong value of
    another variable can still be logged.

    Raises:
        ConfigurationError: the variable names no log level.
    """
    text = os.environ.get("DOCMATCH_LOG_LEVEL", "").strip().upper() or default
    if text not in LOG_LEVELS:
        raise ConfigurationError(f"invalid settings: DOCMATCH_LOG_LEVEL: {text!r} is not a log level", hint=f"set it to one of {', '.join(LOG_LEVELS)}, or unset it")
    return text


def load_settings(*, options: Mapping[str, str] | None = None, **overrides: object) -> Settings:
    """Build the settings from the environment, with keyword overrides from the command line.

    Args:
        options: the command-line option that supplied each override, by field name
            (``{"odoo_url": "--odoo"}``), so that an invalid value is reported under the
            option the user typed rather than under its environment variable. The
            settings keep it for `Settings.source_of`.
        overrides: field values; None means "not given", and the environment applies.

    Raises:
        ConfigurationError: naming each invalid option or variable and why.
    """
    warn_unknown_variables()
    supplied = {key: value for key, value in overrides.items() if value is not None}
    from_options = {field: option for field, option in (options or {}).items() if field in supplied}
    try:
        settings = Settings(**supplied)
    except SettingsError as exc:
        raise ConfigurationError(f"invalid settings: {exc}", hint="fix the environment variable named above") from None
    except ValidationError as exc:
        problems = [_describe(error, from_options) for error in exc.errors()]
        raise ConfigurationError(f"invalid settings: {'; '.join(text for text, _ in problems)}", hint=_fix_hint({kind for _, kind in problems})) from None
    settings._options = dict(from_options)
    return settings


def _describe(error: dict, from_options: Mapping[str, str]) -> tuple[str, str]:  # type: ignore[type-arg]
    """Return ('NAME: message', kind), NAME being the option or DOCMATCH_ variable that gave the value.

    The kind is "option" or "variable". An invalid list element is named as "(item N)".
    """
    name, *rest = error["loc"] or ("?",)
    item = f" (item {int(rest[0]) + 1})" if rest and isinstance(rest[0], int) else ""
    message = str(error["msg"]).removeprefix("Value error, ")
    if error.get("type") == "string_pattern_mismatch" and name in _PATTERN_HELP:
        message = f"invalid value; {_PATTERN_HELP[name]}"
    if name in from_options:
        return f"{from_options[name]}{item}: {message}", "option"
    return f"{ENV_PREFIX}{str(name).upper()}{item}: {message}", "variable"


def _fix_hint(kinds: set[str]) -> str:
    if kinds == {"option"}:
        return "fix the command-line option named above"
    if kinds == {"variable"}:
        return "fix the environment variables named above"
    return "fix the command-line options and environment variables named above"


# Advice per field for a value that fails the field's pattern, shown in the error message.
_PATTERN_HELP = {
    "ticket_opener": "write it as 'package.module:function'",
    "pipeline_hook": "write it as 'package.module:function'",
    "web_auth_header": "write a header name such as X-Forwarded-User",
    "ocr_languages": "write Tesseract language codes joined by '+', such as eng+deu",
    "queue_prefix": "use letters, digits, '_', '.' and '-' only",
}


# Variables under the DOCMATCH_ prefix that other code reads and that are not settings:
# the test suite's and benchmarks' server addresses and experiment switches, and the
# thread count of scripts/llm-server.sh.
OTHER_VARIABLE_PREFIXES = ("DOCMATCH_TEST_", "DOCMATCH_EXPERIMENT_")
OTHER_VARIABLES = frozenset({"DOCMATCH_LLM_THREADS"})

# A suggestion is offered only for a name at least this similar (rapidfuzz ratio, 0-100).
SUGGESTION_MIN_SCORE = 80.0

# `${NAME}` in the intake file, which takes NAME from the environment (see docmatch.ingest.config).
_INTAKE_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")

_warned_variables: set[str] = set()


def unknown_variables(environ: Mapping[str, str]) -> dict[str, str | None]:
    """Return each DOCMATCH_ variable of `environ` that no code reads, with the closest setting's variable or None.

    Variables that the intake file refers to as `${NAME}` are not reported, because they
    carry the intake channels' passwords and tokens.
    """
    from rapidfuzz import fuzz, process

    settings = [name.upper() for name in Settings.model_fields]
    expected = OTHER_VARIABLES | _intake_file_variables(environ)
    unknown: dict[str, str | None] = {}
    for variable in sorted(environ):
        if not variable.startswith(ENV_PREFIX) or variable in expected or variable.startswith(OTHER_VARIABLE_PREFIXES):
            continue
        name = variable.removeprefix(ENV_PREFIX)
        if name.lower() in Settings.model_fields:
            continue
        closest = process.extractOne(name, settings, scorer=fuzz.ratio, score_cutoff=SUGGESTION_MIN_SCORE)
        unknown[variable] = f"{ENV_PREFIX}{closest[0]}" if closest else None
    return unknown


def _intake_file_variables(environ: Mapping[str, str]) -> frozenset[str]:
    """Return the variable names the intake file refers to; none when it is unset or unreadable."""
    path = environ.get("DOCMATCH_INTAKE_FILE", "").strip()
    if not path:
        return frozenset()
    try:
        text = Path(path).expanduser().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        # Validating the intake file is the intake's job; here it only spares warnings.
        return frozenset()
    return frozenset(_INTAKE_VARIABLE.findall(text))


def warn_unknown_variables(environ: Mapping[str, str] | None = None) -> None:
    """Log a warning for each DOCMATCH_ variable that is not a setting, once per process and name.

    pydantic-settings ignores such variables, so a misspelt setting would otherwise take
    its default without a word.
    """
    for variable, closest in unknown_variables(os.environ if environ is None else environ).items():
        if variable in _warned_variables:
            continue
        _warned_variables.add(variable)
        suggestion = f"; did you mean {closest}?" if closest else "; see docs/settings.md for the settings"
        log.warning("%s is not a docmatch setting and is ignored%s", variable, suggestion)


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
    header = (
        "# Settings\n\nEvery setting is an environment variable, read once at start and validated.\n"
        "A `DOCMATCH_*` variable that is not listed here is ignored, and a warning names it at start,\n"
        "with the closest setting when one is similar.\n"
        "Generated by `python -m docmatch.settings`; do not edit by hand.\n\n"
    )
    return header + "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(settings_markdown(), end="")
