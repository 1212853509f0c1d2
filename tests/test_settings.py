import pytest

from docmatch.errors import ConfigurationError
from docmatch.settings import load_settings


def test_settings_defaults_are_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings()
    assert settings.llm_provider == "none"
    assert settings.odoo_url is None
    assert settings.effective_database_url.startswith("sqlite:///")


def test_invalid_variable_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCMATCH_OCR_DPI", "90")
    with pytest.raises(ConfigurationError) as raised:
        load_settings()
    assert "DOCMATCH_OCR_DPI" in raised.value.message


def test_unknown_time_zone_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCMATCH_COMPANY_TIMEZONE", "Mars/Olympus")
    with pytest.raises(ConfigurationError) as raised:
        load_settings()
    assert "DOCMATCH_COMPANY_TIMEZONE" in raised.value.message


def test_settings_reference_is_current() -> None:
    from pathlib import Path

    from docmatch.settings import settings_markdown

    reference = Path(__file__).resolve().parent.parent / "docs" / "settings.md"
    assert reference.read_text(encoding="utf-8") == settings_markdown(), "run: .venv/bin/python -m docmatch.settings > docs/settings.md"


def test_every_setting_is_described() -> None:
    from docmatch.settings import Settings

    undescribed = [name for name, field in Settings.model_fields.items() if not field.description]
    assert undescribed == []


@pytest.mark.parametrize(
    ("variable", "text", "attribute", "expected"),
    [
        ("DOCMATCH_ODOO_COMPANY_IDS", "1,2", "odoo_company_ids", [1, 2]),
        ("DOCMATCH_ODOO_COMPANY_IDS", "[3, 4]", "odoo_company_ids", [3, 4]),
        ("DOCMATCH_HELPDESK_TAGS", "docmatch, invoices", "helpdesk_tags", ["docmatch", "invoices"]),
        ("DOCMATCH_LLM_REDACT", "email", "llm_redact", ["email"]),
    ],
)
def test_list_settings_accept_json_or_commas(monkeypatch: pytest.MonkeyPatch, variable: str, text: str, attribute: str, expected: list) -> None:  # type: ignore[type-arg]
    monkeypatch.setenv(variable, text)

    assert getattr(load_settings(), attribute) == expected


@pytest.mark.parametrize("text", ["a,b", "[1, x"])
def test_invalid_list_setting_is_named(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setenv("DOCMATCH_ODOO_COMPANY_IDS", text)

    with pytest.raises(ConfigurationError) as raised:
        load_settings()
    assert "DOCMATCH_ODOO_COMPANY_IDS" in raised.value.message


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("DOCMATCH_LOG_LEVEL", "LOUD", "DOCMATCH_LOG_LEVEL"),
        ("DOCMATCH_DATA_DIR", "/proc/docmatch-nope", "cannot be created"),
        ("DOCMATCH_LLM_CACHE_DIR", "/proc/docmatch-nope", "DOCMATCH_LLM_CACHE_DIR"),
        ("DOCMATCH_DATABASE_URL", "docmatch.sqlite3", "not an SQLAlchemy database URL"),
        ("DOCMATCH_DATABASE_URL", "mysql://docmatch@127.0.0.1/docmatch", "no installed driver for 'mysql'"),
        ("DOCMATCH_DATABASE_URL", "postgresql+psycopg://docmatch@127.0.0.1:70000/docmatch", "port of the URL"),
        ("DOCMATCH_ODOO_URL", "odoo.example.com", "URL scheme"),
        ("DOCMATCH_ODOO_URL", "https://odoo.example.com:180716", "port of the URL"),
        ("DOCMATCH_BROKER_URL", "redis://127.0.0.1:0/0", "port of the URL"),
        ("DOCMATCH_BROKER_URL", "127.0.0.1:6379", "URL scheme"),
        ("DOCMATCH_RESULT_BACKEND", "ftp://127.0.0.1/x", "URL scheme"),
        ("DOCMATCH_WEB_BASE_URL", "http://:8080", "names no host"),
        ("DOCMATCH_METRICS_PORT", "65536", "DOCMATCH_METRICS_PORT"),
        ("DOCMATCH_TICKET_OPENER", "opener", "package.module:function"),
        ("DOCMATCH_OCR_LANGUAGES", "eng, deu", "joined by '+'"),
    ],
)
def test_invalid_setting_names_variable_and_fix(monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str) -> None:
    monkeypatch.setenv(variable, value)

    with pytest.raises(ConfigurationError) as raised:
        load_settings()
    assert variable in raised.value.message
    assert expected in raised.value.message


def test_url_password_is_not_repeated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCMATCH_DATABASE_URL", "postgresql+psycopg://docmatch:s3cret@127.0.0.1:70000/docmatch")

    with pytest.raises(ConfigurationError) as raised:
        load_settings()
    assert "s3cret" not in str(raised.value)


def test_data_dir_is_created(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DOCMATCH_DATA_DIR", str(tmp_path / "new" / "docmatch"))

    settings = load_settings()

    assert settings.data_dir.is_dir()


def test_data_dir_that_is_a_file_is_rejected(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    occupied = tmp_path / "docmatch"
    occupied.write_text("a file where the folder should be")
    monkeypatch.setenv("DOCMATCH_DATA_DIR", str(occupied))

    with pytest.raises(ConfigurationError) as raised:
        load_settings()
    assert "DOCMATCH_DATA_DIR" in raised.value.message


@pytest.mark.parametrize(("text", "expected"), [("debug", "DEBUG"), (" Warning ", "WARNING")])
def test_log_level_ignores_case(monkeypatch: pytest.MonkeyPatch, text: str, expected: str) -> None:
    from docmatch.settings import env_log_level

    monkeypatch.setenv("DOCMATCH_LOG_LEVEL", text)

    assert load_settings().log_level == expected
    assert env_log_level() == expected


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DOCMATCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/docmatch_test"),
        ("DOCMATCH_DATABASE_URL", "sqlite:////var/lib/docmatch/docmatch.sqlite3"),
        ("DOCMATCH_BROKER_URL", "rediss://:token@redis.example.com:6380/2"),
        ("DOCMATCH_ODOO_URL", "http://127.0.0.1:8069"),
        ("DOCMATCH_RESULT_BACKEND", "redis://127.0.0.1:6379/1"),
    ],
)
def test_valid_urls_are_accepted(monkeypatch: pytest.MonkeyPatch, variable: str, value: str) -> None:
    monkeypatch.setenv(variable, value)

    load_settings()
