"""Exceptions raised by docmatch.

Every error a user or operator can act on is a subclass of `DocmatchError` and carries
a `hint` that says what to do next. The command line prints `message` and `hint` and
exits with `exit_code`; workers record them on the document.

    DocmatchError
    ├── ConfigurationError        a setting or file is missing or invalid
    │   └── RulesError            the rules file does not validate
    ├── InputError                a document cannot be read
    │   ├── UnreadableDocument    empty, corrupt or not a supported format
    │   └── EncryptedDocument     needs a user password
    ├── ExtractionError           extraction failed on a readable file
    ├── OdooError                 talking to Odoo failed
    │   ├── OdooAuthError         login or API key refused
    │   ├── OdooAccessError       the user lacks rights on a model or record
    │   ├── OdooTransientError    network failure, timeout or overload: retrying may help
    │   ├── OdooOutcomeUnknown    a write may or may not have happened
    │   └── OdooFault             Odoo rejected the call (application error)
    ├── SnapshotError             the Odoo snapshot folder is unusable
    ├── IntakeError               an intake channel failed
    ├── StorageError              the docmatch database failed
    ├── BrokerUnavailable         the Celery broker (Redis) cannot be reached
    └── ExplanationError          the LLM provider failed (the template is used instead)
"""

from __future__ import annotations


class DocmatchError(Exception):
    """Root of docmatch's errors; `hint` tells the user what to do next."""

    exit_code = 1
    hint: str = ""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if hint is not None:
            self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class ConfigurationError(DocmatchError):
    exit_code = 2


class RulesError(ConfigurationError):
    """The rules file is invalid; `line` is 1-based where it is known."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None, hint: str | None = None) -> None:
        location = path or "rules"
        if line is not None:
            location = f"{location}:{line}"
        super().__init__(f"{location}: {message}", hint=hint or "fix the rules file and run again")
        self.path = path
        self.line = line


class InputError(DocmatchError):
    exit_code = 3


class UnreadableDocument(InputError):
    hint = "check that the file is a complete PDF, PNG, JPEG or TIFF; docmatch process records such a file as an extraction_failed case"


class EncryptedDocument(InputError):
    hint = "ask the sender for an unprotected copy; PDFs with only an owner password open without one"


class ExtractionError(DocmatchError):
    exit_code = 4


class OdooError(DocmatchError):
    exit_code = 5


class OdooAuthError(OdooError):
    hint = "check DOCMATCH_ODOO_DB, DOCMATCH_ODOO_USER and DOCMATCH_ODOO_API_KEY"


class OdooAccessError(OdooError):
    hint = "give the docmatch user the groups listed in the README's Odoo section"


def odoo_unreachable_hint(url_source: str = "DOCMATCH_ODOO_URL") -> str:
    """Return the hint for an unreachable Odoo, naming `url_source`, the variable or option that set the URL."""
    return f"Odoo could not be reached or did not answer in time; check {url_source} and that the server is up (docmatch retries transient failures on its own)"


class OdooTransientError(OdooError):
    hint = odoo_unreachable_hint()


class OdooOutcomeUnknown(OdooError):
    hint = "docmatch re-reads the record before it tries again"


class OdooFault(OdooError):
    pass


class SnapshotError(DocmatchError):
    exit_code = 2
    hint = "point --odoo-snapshot at a folder with one <model>.json per model and a version.json"


class IntakeError(DocmatchError):
    exit_code = 6


class StorageError(DocmatchError):
    exit_code = 7
    hint = "check DOCMATCH_DATABASE_URL and that the database server is running"


class BrokerUnavailable(DocmatchError):
    exit_code = 8
    hint = "check DOCMATCH_BROKER_URL and that Redis is running"


class ExplanationError(DocmatchError):
    pass
