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


def test_invalid_option_value_names_the_option() -> None:
    """GIVEN --odoo not-a-url WHEN settings load THEN the error names --odoo, not DOCMATCH_ODOO_URL."""
    with pytest.raises(ConfigurationError) as raised:
        load_settings(odoo_url="not-a-url", options={"odoo_url": "--odoo"})

    assert raised.value.message.startswith("invalid settings: --odoo: URL scheme '(none)' is not supported")
    assert "DOCMATCH_ODOO_URL" not in raised.value.message
    assert raised.value.hint == "fix the command-line option named above"


def test_source_of_names_option_or_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN --odoo on the command line and DOCMATCH_ODOO_DB in the environment
    WHEN settings load THEN each value's source is the option or the variable that set it."""
    monkeypatch.setenv("DOCMATCH_ODOO_DB", "odoo")

    settings = load_settings(odoo_url="http://127.0.0.1:8069", rules_file=None, options={"odoo_url": "--odoo", "rules_file": "--rules"})

    assert settings.source_of("odoo_url") == "--odoo"
    assert settings.source_of("odoo_db") == "DOCMATCH_ODOO_DB"
    # --rules was not given, so the variable is the place to look.
    assert settings.source_of("rules_file") == "DOCMATCH_RULES_FILE"


def test_invalid_variable_keeps_its_name_beside_an_option(monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN no --odoo but a bad DOCMATCH_ODOO_URL WHEN settings load THEN the variable is named."""
    monkeypatch.setenv("DOCMATCH_ODOO_URL", "not-a-url")
    monkeypatch.setenv("DOCMATCH_OCR_DPI", "90")

    with pytest.raises(ConfigurationError) as raised:
        load_settings(odoo_url=None, options={"odoo_url": "--odoo"})

    assert "DOCMATCH_ODOO_URL: URL scheme" in raised.value.message
    assert raised.value.hint == "fix the environment variables named above"


def test_option_and_variable_errors_named_together(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCMATCH_OCR_DPI", "90")

    with pytest.raises(ConfigurationError) as raised:
        load_settings(odoo_url="ftp://odoo", options={"odoo_url": "--odoo"})

    assert "--odoo: URL scheme 'ftp'" in raised.value.message
    assert "DOCMATCH_OCR_DPI:" in raised.value.message
    assert raised.value.hint == "fix the command-line options and environment variables named above"


@pytest.fixture
def fresh_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    from docmatch import settings

    monkeypatch.setattr(settings, "_warned_variables", set())


@pytest.mark.usefixtures("fresh_warnings")
def test_misspelt_variable_warns_with_suggestion(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("DOCMATCH_LOW_CONFIDANCE", "0.9")

    load_settings()
    load_settings()

    warnings = [record.getMessage() for record in caplog.records if "DOCMATCH_LOW_CONFIDANCE" in record.getMessage()]
    assert warnings == ["DOCMATCH_LOW_CONFIDANCE is not a docmatch setting and is ignored; did you mean DOCMATCH_LOW_CONFIDENCE?"]


@pytest.mark.parametrize(
    ("variable", "expected"),
    [
        ("DOCMATCH_ODOO_APIKEY", "DOCMATCH_ODOO_API_KEY"),
        ("DOCMATCH_DATADIR", "DOCMATCH_DATA_DIR"),
        ("DOCMATCH_HELPDESK_TEAMS", "DOCMATCH_HELPDESK_TEAM"),
        ("DOCMATCH_COLOUR", None),
    ],
)
def test_unknown_variable_closest_setting(variable: str, expected: str | None) -> None:
    from docmatch.settings import unknown_variables

    assert unknown_variables({variable: "x"}) == {variable: expected}


@pytest.mark.parametrize(
    "variable",
    ["DOCMATCH_TEST_DATABASE_URL", "DOCMATCH_TEST_REDIS_URL", "DOCMATCH_EXPERIMENT_LOW_DPI", "DOCMATCH_LLM_THREADS", "DOCMATCH_LOW_CONFIDENCE", "OTHER_LOW_CONFIDANCE"],
)
def test_variables_read_elsewhere_do_not_warn(variable: str) -> None:
    from docmatch.settings import unknown_variables

    assert unknown_variables({variable: "1"}) == {}


def test_intake_file_variables_do_not_warn(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """GIVEN an intake file that takes a password from ${DOCMATCH_AP_MAIL_PASSWORD} THEN that variable is expected."""
    from docmatch.settings import unknown_variables

    intake_file = tmp_path / "intake.yaml"
    intake_file.write_text("imap:\n  - name: ap\n    password: ${DOCMATCH_AP_MAIL_PASSWORD}\n", encoding="utf-8")
    environ = {"DOCMATCH_INTAKE_FILE": str(intake_file), "DOCMATCH_AP_MAIL_PASSWORD": "x", "DOCMATCH_AP_MAIL_USER": "y"}

    assert unknown_variables(environ) == {"DOCMATCH_AP_MAIL_USER": None}
