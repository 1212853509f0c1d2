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
