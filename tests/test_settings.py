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
